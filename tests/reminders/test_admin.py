"""The reminder admin: scoped to the staff member's clinic, the delivery log read-only,
times validated as everywhere else, and actions that call the same services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from patients.reminders.models import ClinicReminderDefaults, Delivery, ReminderSettings
from patients.reminders.services import reminder_settings_update

pytestmark = pytest.mark.django_db


def _delivery(patient) -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        patient=patient,
        local_date=now.date(),
        slot="07:30",
        channel="email",
        kind="scheduled",
        due_at=now,
        next_attempt_at=now,
        state="given_up",
        last_error="subscription expired",
    )


def test_delivery_log_admin_is_scoped_and_read_only(
    client, therapist, patient, other_clinic_patient
):
    ours, theirs = _delivery(patient), _delivery(other_clinic_patient)
    client.force_login(therapist.user)
    page = client.get(reverse("admin:reminders_delivery_changelist"))
    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == [ours]
    response = client.get(reverse("admin:reminders_delivery_change", args=[ours.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    other = client.get(reverse("admin:reminders_delivery_change", args=[theirs.pk]))
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert (
        client.post(reverse("admin:reminders_delivery_delete", args=[ours.pk])).status_code == 403
    )
    assert Delivery.objects.count() == 2
    events = AuditEvent.objects.filter(path_name="admin:reminders_delivery_change")
    assert list(events.exclude(patient=None).values_list("patient_id", flat=True)) == [patient.pk]


def test_settings_admin_validates_times_and_is_scoped(
    client, therapist, patient, other_clinic_patient
):
    mine = reminder_settings_update(patient=patient, channels=["email"], times=["08:00"])
    theirs = reminder_settings_update(
        patient=other_clinic_patient, channels=["email"], times=["09:00"]
    )
    client.force_login(therapist.user)
    url = reverse("admin:reminders_remindersettings_change", args=[mine.pk])
    data = {
        "patient": patient.pk,
        "email": "on",
        "times": "25:00",
        "timezone": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "25:00 is not a time of day" in response.content.decode()
    mine.refresh_from_db()
    assert mine.times == ["08:00"]
    response = client.post(url, {**data, "times": "7:45, 18:00"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.times == ["07:45", "18:00"]
    assert (
        client.get(reverse("admin:reminders_remindersettings_change", args=[theirs.pk])).status_code
        == 302
    )
    assert ReminderSettings.objects.get(pk=theirs.pk).times == ["09:00"]


def test_send_now_action_nudges_through_the_service(client, therapist, patient):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    row = reminder_settings_update(patient=patient, channels=["email"], times=["08:00"])
    client.force_login(therapist.user)
    response = client.post(
        reverse("admin:reminders_remindersettings_changelist"),
        {"action": "send_now", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    (delivery,) = Delivery.objects.all()
    assert (delivery.kind, delivery.requested_by) == ("staff", therapist.user)


def test_clinic_defaults_are_for_clinic_admins_of_their_clinic(
    client, clinic_admin, therapist, other_clinic
):
    client.force_login(therapist.user)
    assert client.get(reverse("admin:reminders_clinicreminderdefaults_add")).status_code == 403
    client.force_login(clinic_admin.user)
    url = reverse("admin:reminders_clinicreminderdefaults_add")
    data = {"clinic": clinic_admin.clinic_id, "email": "on", "times": "07:00"}
    assert client.post(url, {**data, "times": "7:60"}).status_code == 200
    assert not ClinicReminderDefaults.objects.exists()
    assert client.post(url, {**data, "clinic": other_clinic.pk}).status_code == 200
    assert not ClinicReminderDefaults.objects.exists()
    assert client.post(url, data).status_code == 302
    assert ClinicReminderDefaults.objects.get().times == ["07:00"]


def test_worker_queue_admin_is_the_operators_only(client, clinic_admin, superuser):
    """django-q2's schedule and task queue serve every clinic: clinic staff cannot reach
    them (Django permissions, which no clinic role has)."""
    url = reverse("admin:django_q_schedule_changelist")
    client.force_login(clinic_admin.user)
    assert client.get(url).status_code == 403
    client.force_login(superuser)
    assert client.get(url).status_code == 200
