"""Guessing API keys, invitation links and welcome links is refused per client address.

After THROTTLE_FAILURE_LIMIT failures from one address the next try answers 429 with
Retry-After (the right key or link included, so a guesser never learns it found one);
other addresses are not affected; successes never count. The counts are in Django's cache,
Redis when REDIS_URL is set (shared by every app server: the two-server test proves it).
"""

import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from patients.roster.services import invitation_create
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

LIMIT = 3
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.2"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.THROTTLE_FAILURE_LIMIT = LIMIT
    settings.THROTTLE_WINDOW_SECONDS = 600


def _assert_throttled(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600


def test_bad_api_keys_are_throttled_per_address(therapist):
    attacker = APIClient(REMOTE_ADDR=ATTACKER)
    for n in range(LIMIT):
        response = attacker.get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Bearer guess-{n}")
        assert response.status_code == 401
    response = attacker.get("/api/v1/patients/", HTTP_AUTHORIZATION="Bearer guess-again")
    _assert_throttled(response)
    assert "Too many invalid keys" in response.json()["detail"]
    # Even a real key is refused from there until the window ends.
    _assert_throttled(attacker.get("/api/v1/patients/", headers=bearer(therapist.user)))
    # Another address is not affected.
    neighbour = APIClient(REMOTE_ADDR=NEIGHBOUR)
    assert neighbour.get("/api/v1/patients/", headers=bearer(therapist.user)).status_code == 200


def test_good_api_keys_never_count(therapist):
    client = APIClient(REMOTE_ADDR=ATTACKER)
    headers = bearer(therapist.user)
    for _ in range(LIMIT * 3):
        assert client.get("/api/v1/patients/", headers=headers).status_code == 200


def test_malformed_authorization_headers_count_as_failures(therapist):
    client = APIClient(REMOTE_ADDR=ATTACKER)
    for _ in range(LIMIT):
        response = client.get("/api/v1/patients/", HTTP_AUTHORIZATION="Bearer two parts")
        assert response.status_code == 401
    _assert_throttled(client.get("/api/v1/patients/", headers=bearer(therapist.user)))


def test_the_throttle_window_ends(therapist, settings, monkeypatch):
    client = APIClient(REMOTE_ADDR=ATTACKER)
    for n in range(LIMIT):
        client.get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Bearer guess-{n}")
    _assert_throttled(client.get("/api/v1/patients/", headers=bearer(therapist.user)))
    later = time.time() + settings.THROTTLE_WINDOW_SECONDS
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/api/v1/patients/", headers=bearer(therapist.user)).status_code == 200


def test_invitation_token_guesses_are_throttled_per_address(therapist, patient):
    _invitation, token = invitation_create(patient=patient, created_by=therapist.user)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(LIMIT):
        response = attacker.get(reverse("account:invite_accept", args=[f"guess-{n}"]))
        assert response.status_code == 404
    response = attacker.get(reverse("account:invite_accept", args=[token]))
    _assert_throttled(response)
    assert b"tried too often" in response.content
    assert response["Content-Security-Policy"]
    # The patient, from their own address, opens the real link.
    own = Client(REMOTE_ADDR=NEIGHBOUR)
    assert own.get(reverse("account:invite_accept", args=[token])).status_code == 200


def test_opening_a_real_invitation_never_counts(therapist, patient):
    _invitation, token = invitation_create(patient=patient, created_by=therapist.user)
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(LIMIT * 2):
        assert client.get(reverse("account:invite_accept", args=[token])).status_code == 200


def test_welcome_link_guesses_are_throttled_per_address(db):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(LIMIT):
        response = attacker.get(reverse("team:welcome", args=["MQ", f"guess-{n}"]))
        assert response.status_code == 200
        assert not response.context["validlink"]
    _assert_throttled(attacker.get(reverse("team:welcome", args=["MQ", "guess-again"])))
    neighbour = Client(REMOTE_ADDR=NEIGHBOUR)
    response = neighbour.get(reverse("team:welcome", args=["MQ", "guess"]))
    assert response.status_code == 200


def test_throttle_counts_the_client_behind_a_trusted_proxy(settings, therapist):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.10"]
    proxy = {"REMOTE_ADDR": "10.0.0.10"}
    attacker = APIClient(HTTP_X_FORWARDED_FOR=ATTACKER, **proxy)
    for n in range(LIMIT):
        attacker.get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Bearer guess-{n}")
    _assert_throttled(attacker.get("/api/v1/patients/", HTTP_AUTHORIZATION="Bearer x"))
    # Another client through the same proxy is not refused.
    other = APIClient(HTTP_X_FORWARDED_FOR=NEIGHBOUR, **proxy)
    assert other.get("/api/v1/patients/", headers=bearer(therapist.user)).status_code == 200
