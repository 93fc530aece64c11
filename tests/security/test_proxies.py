"""One setting, TRUSTED_PROXY_IPS, says which proxies gunicorn and Django both trust.

gunicorn's `forwarded_allow_ips`, Django's SECURE_PROXY_SSL_HEADER and the client address
used by lockouts, throttles and the audit trail all come from it; a client that reaches a
server directly cannot claim HTTPS or another address with X-Forwarded-* headers.
"""

import runpy

import pytest
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config

from clinic.middleware import client_ip
from tests.clinic.test_settings import PRODUCTION, ROOT, manage

pytestmark = pytest.mark.django_db

PROXIES = "10.0.0.10,10.1.0.0/16"


def _gunicorn_forwarded_allow_ips(monkeypatch, value: str | None) -> list[str]:
    """What gunicorn makes of clinic/gunicorn.conf.py with this TRUSTED_PROXY_IPS."""
    if value is None:
        monkeypatch.delenv("TRUSTED_PROXY_IPS", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXY_IPS", value)
    conf = runpy.run_path(str(ROOT / "clinic" / "gunicorn.conf.py"))
    config = Config()
    config.set("forwarded_allow_ips", conf["forwarded_allow_ips"])
    return config.forwarded_allow_ips


def _django_proxy_settings(env: dict[str, str]) -> list[str]:
    code = (
        "from django.conf import settings as s;"
        "print(repr(s.TRUSTED_PROXY_IPS), '|', repr(s.SECURE_PROXY_SSL_HEADER))"
    )
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return [part.strip() for part in result.stdout.split("|")]


def test_gunicorn_and_django_trust_the_same_proxies(monkeypatch):
    assert _gunicorn_forwarded_allow_ips(monkeypatch, PROXIES) == ["10.0.0.10", "10.1.0.0/16"]
    trusted, ssl_header = _django_proxy_settings({**PRODUCTION, "TRUSTED_PROXY_IPS": PROXIES})
    assert trusted == "['10.0.0.10', '10.1.0.0/16']"
    assert ssl_header == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_proxies_neither_trusts_forwarded_headers(monkeypatch):
    assert _gunicorn_forwarded_allow_ips(monkeypatch, None) == []
    assert _django_proxy_settings(PRODUCTION) == ["[]", "None"]


def test_a_mistyped_proxy_address_stops_the_start(monkeypatch):
    result = manage("check", env={**PRODUCTION, "TRUSTED_PROXY_IPS": "10.0.0.300"})
    assert result.returncode != 0
    assert "10.0.0.300" in result.stderr
    with pytest.raises(ValueError, match="10.0.0.300"):
        _gunicorn_forwarded_allow_ips(monkeypatch, "10.0.0.300")


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.10"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_https_is_believed_from_the_proxy_only(client, behind_a_proxy):
    via_proxy = Client(REMOTE_ADDR="10.0.0.10", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" in via_proxy.get(reverse("login"))
    direct = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in direct.get(reverse("login"))


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        ("10.0.0.10", "203.0.113.7", "203.0.113.7"),
        # The client's own claims left of the proxy's entry are ignored.
        ("10.0.0.10", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # A chain of trusted proxies is walked from the right.
        ("10.0.0.10", "203.0.113.7, 10.0.0.10", "203.0.113.7"),
        # No header: the proxy itself (a health check).
        ("10.0.0.10", "", "10.0.0.10"),
        # Not from a proxy: the header is the client's own claim.
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),
    ],
)
def test_client_address_trusts_forwarded_for_from_the_proxy_only(
    rf, behind_a_proxy, remote_addr, forwarded_for, expected
):
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
