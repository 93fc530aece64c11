"""Reminders in the API: settings, the delivery log, the calendar reset, the nudge and push
subscriptions, for each role; bad input is a 400 with field errors and changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from patients.reminders.models import Delivery, PushSubscription, ReminderSettings
from patients.reminders.services import reminder_settings_update
from tests import factories
from tests.security.test_audit import PUSH_SUBSCRIPTION

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reminders/"


@pytest.fixture
def api():
    return APIClient()


def test_patient_reads_only_their_own_settings(api, patient, other_patient):
    api.force_authenticate(patient.user)
    body = api.get(BASE).json()
    assert [row["patient"] for row in body["results"]] == [patient.pk]
    row = body["results"][0]
    assert row == {
        "patient": patient.pk,
        "own": False,
        "channels": ["email"],
        "times": ["08:00"],
        "weekdays": None,
        "second_nudge_at": None,
        "quiet_from": None,
        "quiet_until": None,
        "timezone": "Europe/Amsterdam",
        "calendar_url": None,
    }
    assert api.get(f"{BASE}{other_patient.pk}/").status_code == 404
    assert (
        api.patch(f"{BASE}{other_patient.pk}/", {"times": ["09:00"]}, format="json").status_code
        == 404
    )


def test_staff_read_their_clinics_patients_only(
    api, therapist, patient, other_patient, other_clinic_patient, other_clinic_therapist
):
    api.force_authenticate(therapist.user)
    ids = [row["patient"] for row in api.get(BASE).json()["results"]]
    assert sorted(ids) == sorted([patient.pk, other_patient.pk])
    assert api.get(f"{BASE}{other_clinic_patient.pk}/").status_code == 404
    api.force_authenticate(other_clinic_therapist.user)
    assert api.get(f"{BASE}{patient.pk}/").status_code == 404


def test_anonymous_gets_401(api, patient):
    for method, url in [
        ("get", BASE),
        ("get", f"{BASE}{patient.pk}/"),
        ("get", "/api/v1/reminder_deliveries/"),
    ]:
        assert getattr(api, method)(url).status_code == 401


def test_patient_changes_their_settings(api, patient):
    api.force_authenticate(patient.user)
    response = api.patch(
        f"{BASE}{patient.pk}/",
        {"channels": ["email", "calendar"], "times": ["7:05", "19:00"], "second_nudge_at": "20:30"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["own"], body["times"], body["second_nudge_at"]) == (
        True,
        ["07:05", "19:00"],
        "20:30",
    )
    assert body["calendar_url"].startswith("http")
    row = ReminderSettings.objects.get(patient=patient)
    assert (row.email, row.calendar, row.times) == (True, True, ["07:05", "19:00"])


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"times": ["25:00"]}, "times.0", "25:00 is not a time of day"),
        ({"channels": ["email", "fax"]}, "channels.1", '"fax" is not a valid choice'),
        ({"timezone": "Mars/Base"}, "timezone", "not a known time zone"),
        ({"weekdays": 0}, "weekdays", ""),
        ({"quiet_from": "22:00"}, "quiet_until", "both"),
        ({"second_nudge_at": "25:61"}, "second_nudge_at", ""),
    ],
)
def test_bad_settings_are_a_400_with_field_errors_and_change_nothing(
    api, patient, body, field, text
):
    reminder_settings_update(patient=patient, channels=["email"], times=["08:00"])
    before = ReminderSettings.objects.filter(patient=patient).values().get()
    api.force_authenticate(patient.user)
    response = api.patch(f"{BASE}{patient.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["fields"]
    assert field in errors, errors
    assert text in " ".join(errors[field])
    assert ReminderSettings.objects.filter(patient=patient).values().get() == before


def test_calendar_reset_by_api_makes_the_old_feed_404(api, patient, client):
    api.force_authenticate(patient.user)
    first = api.post(f"{BASE}{patient.pk}/reset_calendar/").json()["calendar_url"]
    second = api.post(f"{BASE}{patient.pk}/reset_calendar/").json()["calendar_url"]
    assert first != second
    path = lambda url: url.split("://", 1)[1].split("/", 1)[1]  # noqa: E731
    assert client.get("/" + path(first)).status_code == 404
    assert client.get("/" + path(second)).status_code == 200


def test_staff_see_no_calendar_url_but_can_reset_it(api, patient, therapist):
    api.force_authenticate(therapist.user)
    response = api.post(f"{BASE}{patient.pk}/reset_calendar/")
    assert response.status_code == 200
    assert response.json()["calendar_url"] is None
    assert ReminderSettings.objects.get(patient=patient).feed_id


def test_nudge_by_api_is_staff_only_and_rate_limited(
    api, patient, therapist, other_clinic_therapist
):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    api.force_authenticate(patient.user)
    assert api.post(f"{BASE}{patient.pk}/nudge/").status_code == 404
    api.force_authenticate(other_clinic_therapist.user)
    assert api.post(f"{BASE}{patient.pk}/nudge/").status_code == 404
    api.force_authenticate(therapist.user)
    response = api.post(f"{BASE}{patient.pk}/nudge/")
    assert response.status_code == 202
    assert [(row["channel"], row["state"]) for row in response.json()] == [("email", "pending")]
    again = api.post(f"{BASE}{patient.pk}/nudge/")
    assert again.status_code == 400
    assert "15 minutes" in again.json()["detail"]
    assert Delivery.objects.count() == 1


def test_delivery_log_is_scoped(api, patient, other_patient, therapist, other_clinic_therapist):
    now = timezone.now()
    for who in (patient, other_patient):
        Delivery.objects.create(
            patient=who,
            local_date=now.date(),
            slot="07:30",
            channel="email",
            kind="scheduled",
            due_at=now,
            next_attempt_at=now,
        )
    api.force_authenticate(patient.user)
    assert [
        row["patient"] for row in api.get("/api/v1/reminder_deliveries/").json()["results"]
    ] == [patient.pk]
    api.force_authenticate(therapist.user)
    rows = api.get(f"/api/v1/reminder_deliveries/?patient={other_patient.pk}").json()["results"]
    assert [row["patient"] for row in rows] == [other_patient.pk]
    api.force_authenticate(other_clinic_therapist.user)
    assert api.get("/api/v1/reminder_deliveries/").json()["results"] == []


def test_push_subscription_by_api(api, patient, therapist):
    api.force_authenticate(therapist.user)
    assert (
        api.post("/api/v1/push_subscriptions/", PUSH_SUBSCRIPTION, format="json").status_code == 404
    )
    api.force_authenticate(patient.user)
    evil = {**PUSH_SUBSCRIPTION, "endpoint": "https://evil.example.com/push"}
    response = api.post("/api/v1/push_subscriptions/", evil, format="json")
    assert response.status_code == 400
    assert "endpoint" in response.json()["fields"]
    assert not PushSubscription.objects.exists()
    response = api.post("/api/v1/push_subscriptions/", PUSH_SUBSCRIPTION, format="json")
    assert response.status_code == 201
    assert PushSubscription.objects.get().patient == patient


def test_schema_documents_the_reminder_endpoints():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {
        "/api/v1/reminders/",
        "/api/v1/reminders/{id}/",
        "/api/v1/reminders/{id}/reset_calendar/",
        "/api/v1/reminders/{id}/nudge/",
        "/api/v1/reminder_deliveries/",
        "/api/v1/push_subscriptions/",
    } <= set(paths)
    assert set(paths["/api/v1/reminders/{id}/"]) >= {"get", "put", "patch"}


@pytest.mark.parametrize("size", [5, 60])
def test_settings_and_log_lists_cost_the_same_at_any_size(
    api, clinic, therapist, size, django_assert_max_num_queries
):
    for n in range(size):
        other = factories.make_patient(clinic, therapist, account=False, first_name=f"P{n}")
        if n % 2:
            reminder_settings_update(patient=other, channels=["email"], times=["07:00"])
        now = timezone.now() - datetime.timedelta(minutes=n)
        Delivery.objects.create(
            patient=other,
            local_date=now.date(),
            slot=f"{n}",
            channel="email",
            kind="scheduled",
            due_at=now,
            next_attempt_at=now,
            requested_by=therapist.user,
        )
    api.force_authenticate(therapist.user)
    for url in (f"{BASE}?page_size=100", "/api/v1/reminder_deliveries/?page_size=100"):
        api.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert len(api.get(url).json()["results"]) == size
        assert len(captured) <= 8, [q["sql"] for q in captured]
