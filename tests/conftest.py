"""Role-named fixtures: the clinic, its staff and patients, and another clinic's."""

import uuid

import pytest

from clinic.models import StaffMember
from tests import factories


@pytest.fixture(autouse=True, scope="session")
def flush_may_empty_the_audit_trail():
    """Transactional tests on PostgreSQL end with Django's flush, a TRUNCATE of every table,
    which the audit trail refuses (clinic migration 0004). Between tests the suite acts as
    the table's owner doing maintenance: it disables that trigger, by name, for the flush."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    execute_sql_flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush_with_the_trail(self, sql_list):
        if any("clinic_auditevent" in sql for sql in sql_list):
            trigger = "ALTER TABLE clinic_auditevent {} TRIGGER clinic_auditevent_no_truncate;"
            sql_list = [trigger.format("DISABLE"), *sql_list, trigger.format("ENABLE")]
        return execute_sql_flush(self, sql_list)

    DatabaseOperations.execute_sql_flush = execute_sql_flush_with_the_trail
    yield
    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language. A request in French leaves French active on
    the thread, and content written plainly (`Exercise(name=…)`) lands in the active
    language's column (django-modeltranslation): the next test must not inherit it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; the suite creates hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_redis(cache) -> bool:
    from django.core.cache.backends.redis import RedisCache

    return isinstance(cache, RedisCache)


@pytest.fixture(autouse=True, scope="session")
def cache_of_our_own():
    """With REDIS_URL (as in CI) every test process, and every app server a test starts,
    shares one Redis: this process keeps its keys under a prefix of its own, and clearing
    its cache deletes only those (Redis' clear() would empty everyone's)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("RedisCache"):
        yield
        return
    prefix = f"limber-test-{uuid.uuid4().hex}"
    with override_settings(
        CACHES={**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}
    ):
        yield
        clear_cache(cache)


def clear_cache(cache) -> None:
    if _is_redis(cache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def empty_cache(cache_of_our_own):
    """Each test starts with an empty cache: rolled-back tests reuse ids on SQLite, so one
    test's throttle counts (or other cached data) must not meet another's."""
    from django.core.cache import cache, caches

    clear_cache(cache)
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def force_login_verifies_staff(monkeypatch):
    """The test client's force_login() also gives staff the second sign-in step.

    Staff pages require a verified authenticator for clinic admins, the operator and the
    admin site (clinic/accounts/twofactor/); tests that sign in with force_login() are about
    something else, so the session is marked verified by a real recovery-code device, as
    django_otp.login() does. The second step itself is tested through the real forms
    (tests/security/test_two_factor.py), which do not use force_login().
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        factories.verify_second_step(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def clinic():
    return factories.make_clinic("Riverside Physio")


@pytest.fixture
def other_clinic():
    return factories.make_clinic("Hillside Physio", timezone_name="America/New_York")


@pytest.fixture
def therapist(clinic):
    return factories.make_staff(clinic)


@pytest.fixture
def colleague(clinic):
    return factories.make_staff(clinic)


@pytest.fixture
def clinic_admin(clinic):
    return factories.make_staff(clinic, role=StaffMember.Role.CLINIC_ADMIN)


@pytest.fixture
def other_clinic_therapist(other_clinic):
    return factories.make_staff(other_clinic)


@pytest.fixture
def other_clinic_admin(other_clinic):
    return factories.make_staff(other_clinic, role=StaffMember.Role.CLINIC_ADMIN)


@pytest.fixture
def superuser(db):
    return factories.make_user("operator", is_staff=True, is_superuser=True)


@pytest.fixture
def patient(clinic, therapist):
    return factories.make_patient(clinic, therapist, first_name="Alice")


@pytest.fixture
def other_patient(clinic, therapist):
    return factories.make_patient(clinic, therapist, first_name="Bob")


@pytest.fixture
def other_clinic_patient(other_clinic, other_clinic_therapist):
    return factories.make_patient(other_clinic, other_clinic_therapist, first_name="Carol")


@pytest.fixture
def assignment(patient):
    return factories.make_assignment(patient)


@pytest.fixture
def other_clinic_assignment(other_clinic_patient):
    return factories.make_assignment(other_clinic_patient)


def _chromium_path() -> str | None:
    import os
    import shutil

    path = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    return path if shutil.which(path) else None


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; skipped where there is none (unless required)."""
    import os

    path = _chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium at /usr/bin/chromium or $CHROMIUM")
        pytest.skip("no Chromium at /usr/bin/chromium or $CHROMIUM: browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized browser context pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 667})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in():
    """Sign `user` in through the login form of `page`."""

    def sign_in(page, user, password=factories.PASSWORD, second_step=None):
        """Staff who must give a second step (or who will visit the admin: second_step=True)
        get an authenticator and type the code it shows."""
        from clinic.accounts.twofactor.state import two_factor_required

        if second_step is None:
            second_step = two_factor_required(user)
        device = factories.totp_device(user) if second_step else None
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if device is not None:
            page.get_by_label("Code", exact=True).fill(factories.totp_code(device))
            page.get_by_role("button", name="Confirm").click()

    return sign_in
