"""The security tests' small clinic (every kind of record, a real id for each URL), so the
date scan walks the same pages they do."""

from tests.security.conftest import roles, world  # noqa: F401
