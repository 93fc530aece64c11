"""Which views record patient-data access: how the test suite finds every audited URL
(tests/security/test_audit.py)."""

from collections.abc import Callable

from clinic.audit.admin import AuditedAdminMixin
from clinic.audit.api import AuditedAPIMixin


def is_audited_view(callback: Callable) -> bool:
    """Whether a URL's view records patient-data access (decorator, API mixin or admin)."""
    if getattr(callback, "audit_action", None):
        return True
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, AuditedAPIMixin):
        return True
    model_admin = getattr(callback, "model_admin", None)
    return (
        isinstance(model_admin, AuditedAdminMixin)
        and callback.__name__ in AuditedAdminMixin.audited_views
    )
