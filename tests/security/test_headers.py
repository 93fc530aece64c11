"""Strict headers on every page, secure cookies in production."""

import pytest
from django.urls import reverse

from tests.clinic.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["anonymous", "patient", "therapist", "clinic_admin"])
def test_html_pages_carry_a_strict_content_security_policy(client, world, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])
    for url in ("/", "/login/", "/admin/", "/audit/", "/no-such-page/"):
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        policy = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["img-src"] == "'self' data:"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'self'"
        assert policy["form-action"] == "'self'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_https_responses_carry_hsts(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, patient):
    from tests import factories

    client.get(reverse("login"))
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    client.post(
        reverse("login"), {"username": patient.user.username, "password": factories.PASSWORD}
    )
    session = client.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_production_settings_turn_on_every_transport_protection():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS,"
        " s.STATIC_MANIFEST, s.DEBUG, s.SESSION_ENGINE)"
    )
    out = manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout.split()
    assert out == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "True",
        "same-origin",
        "DENY",
        "True",
        "False",
        "django.contrib.sessions.backends.db",
    ]


def test_oversized_request_answer_carries_every_security_header(client, settings, db):
    """The 413 for a body over REQUEST_MAX_BYTES is answered before any view reads the body,
    yet it is a page like any other: it carries the same headers."""
    settings.REQUEST_MAX_BYTES = 1024
    response = client.post(reverse("login"), {"username": "x", "password": "y" * 2048}, secure=True)
    assert response.status_code == 413
    assert b"at most" in response.content
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Request-ID"]
