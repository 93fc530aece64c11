"""Web push to a push service on loopback that checks the VAPID signature and decrypts the
payload; expired subscriptions; refusing subscriptions that point anywhere else."""

import datetime
import json

import pytest
from django.urls import reverse

from patients.reminders.models import Delivery, PushSubscription
from patients.reminders.services import (
    reminder_settings_update,
    reminders_plan,
    reminders_send_due,
)
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY_0730 = datetime.datetime(2026, 2, 2, 6, 30, tzinfo=datetime.UTC)


@pytest.fixture
def push_patient(patient):
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1))
    reminder_settings_update(patient=patient, channels=["push"], times=["07:30"])
    return patient


def _send_one(patient) -> Delivery:
    assert reminders_plan(now=MONDAY_0730) == 1
    reminders_send_due()
    return Delivery.objects.get(patient=patient)


def test_push_reminder_reaches_the_device_signed_and_decryptable(
    push_patient, push_service, site_url
):
    push_service.subscribe(push_patient)
    delivery = _send_one(push_patient)

    assert push_service.rejected == []
    (received,) = push_service.received
    assert received["payload"] == {
        "title": "Time for your stretches",
        "body": "Your stretching session is waiting. Tap to open it.",
        "url": f"{site_url}/today/",
        "tag": f"reminder-{delivery.pk}",
    }
    assert received["topic"] == f"reminder{delivery.pk}"
    assert received["claims"]["sub"] == "mailto:limber@localhost"
    assert (delivery.state, delivery.attempts) == ("sent", 1)


def test_push_reaches_every_device_of_the_patient(push_patient, push_service):
    push_service.subscribe(push_patient, "phone")
    push_service.subscribe(push_patient, "laptop")
    delivery = _send_one(push_patient)
    assert delivery.state == "sent"
    assert sorted(item["path"].split("-")[0] for item in push_service.received) == [
        "/push/laptop",
        "/push/phone",
    ]


def test_expired_subscription_is_marked_gone_and_logged(
    client, push_patient, push_service, therapist
):
    subscription = push_service.subscribe(push_patient)
    push_service.status[subscription.endpoint.removeprefix(push_service.origin)] = 410
    delivery = _send_one(push_patient)

    assert (delivery.state, delivery.last_error) == ("given_up", "subscription expired")
    subscription.refresh_from_db()
    assert subscription.gone_at is not None

    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_detail", args=[push_patient.pk]))
    assert "push failed: subscription expired" in page.content.decode()

    # A gone subscription is never sent to again.
    Delivery.objects.all().delete()
    assert reminders_plan(now=MONDAY_0730) == 1
    reminders_send_due()
    assert Delivery.objects.get().last_error == "no device with notifications on"


def test_push_service_down_is_retried(push_patient, push_service):
    subscription = push_service.subscribe(push_patient)
    push_service.status[subscription.endpoint.removeprefix(push_service.origin)] = 503
    delivery = _send_one(push_patient)
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "push service answered 503"


AUTH = "AAECAwQFBgcICQoLDA0ODw"


def _subscribe(client, endpoint, p256dh=None, auth=AUTH):
    from tests.security.test_audit import PUSH_SUBSCRIPTION

    body = {
        "endpoint": endpoint,
        "keys": {"p256dh": p256dh or PUSH_SUBSCRIPTION["p256dh"], "auth": auth},
    }
    return client.post(
        reverse("reminders:push_subscribe"), json.dumps(body), content_type="application/json"
    )


def test_subscription_to_a_known_push_service_is_kept_and_turns_push_on(client, patient):
    client.force_login(patient.user)
    response = _subscribe(client, "https://fcm.googleapis.com/fcm/send/abc123")
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.get().patient == patient
    patient.reminder_settings.refresh_from_db()
    assert patient.reminder_settings.push is True


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth", "field"),
    [
        ("https://evil.example.com/push/abc", None, AUTH, "endpoint"),
        ("https://fcm.googleapis.com.evil.example/x", None, AUTH, "endpoint"),
        ("http://fcm.googleapis.com/fcm/send/abc", None, AUTH, "endpoint"),
        ("https://user@fcm.googleapis.com/fcm/send/a", None, AUTH, "endpoint"),
        ("javascript:alert(1)", None, AUTH, "endpoint"),
        (
            "https://fcm.googleapis.com/fcm/send/abc",
            "not-a-key",
            "AAECAwQFBgcICQoLDA0ODw",
            "p256dh",
        ),
        ("https://fcm.googleapis.com/fcm/send/abc", None, "short", "auth"),
    ],
)
def test_subscription_from_another_site_or_garbage_is_refused(
    client, patient, endpoint, p256dh, auth, field
):
    client.force_login(patient.user)
    response = _subscribe(client, endpoint, p256dh, auth)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert PushSubscription.objects.count() == 0
    assert not hasattr(patient, "reminder_settings") or not patient.reminder_settings.push


def test_subscription_that_is_not_json_is_refused(client, patient):
    client.force_login(patient.user)
    response = client.post(
        reverse("reminders:push_subscribe"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert PushSubscription.objects.count() == 0


def test_without_vapid_keys_push_is_not_offered(client, patient, settings):
    settings.VAPID_PRIVATE_KEY = ""
    client.force_login(patient.user)
    page = client.get(reverse("reminders:settings")).content.decode()
    assert 'value="push"' not in page
    assert "reminders.js" not in page
    response = _subscribe(client, "https://fcm.googleapis.com/fcm/send/abc123")
    assert response.status_code == 400
    assert PushSubscription.objects.count() == 0
