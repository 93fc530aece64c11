"""The reminder pages: the patient's settings, the staff's nudge and calendar reset, the
delivery log on the patient page and the nudge on the staff home page. Access for every
role; bad input changes nothing; the nudge is rate-limited, audited and sent by the worker."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from patients.reminders.models import Delivery, ReminderSettings
from patients.reminders.services import reminder_settings_update, reminders_send_due
from tests import factories

pytestmark = pytest.mark.django_db

VALID = {
    "channels": ["email", "calendar"],
    "weekdays": ["0", "2", "4"],
    "times": "7:30, 18:00",
    "second_nudge_at": "20:00",
    "quiet_from": "22:00",
    "quiet_until": "07:00",
    "timezone": "America/Toronto",
}


@pytest.fixture
def reachable(patient):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    return patient


# The patient's settings page.


def test_settings_page_shows_the_clinic_defaults_to_a_new_patient(client, patient):
    client.force_login(patient.user)
    response = client.get(reverse("reminders:settings"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="08:00"' in page
    assert 'aria-current="page"' in page
    assert "Reminders" in page
    assert not ReminderSettings.objects.exists()  # looking changes nothing


def test_settings_page_saves_the_patients_choices(client, patient):
    client.force_login(patient.user)
    response = client.post(reverse("reminders:settings"), VALID)
    assert response.status_code == 302
    row = ReminderSettings.objects.get(patient=patient)
    assert (row.email, row.push, row.calendar) == (True, False, True)
    assert row.times == ["07:30", "18:00"]
    assert row.weekdays == 0b0010101
    assert row.second_nudge_at == datetime.time(20, 0)
    assert (row.quiet_from, row.quiet_until) == (datetime.time(22, 0), datetime.time(7, 0))
    assert row.timezone == "America/Toronto"
    assert row.feed_id  # the calendar channel made the link


def test_every_day_ticked_means_the_plans_days(client, patient):
    client.force_login(patient.user)
    client.post(reverse("reminders:settings"), {**VALID, "weekdays": list("0123456")})
    assert ReminderSettings.objects.get(patient=patient).weekdays is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"times": "25:00"}, "25:00 is not a time of day"),
        ({"times": "07:30, 7h"}, "7h is not a time of day"),
        ({"times": "01:00,02:00,03:00,04:00,05:00"}, "At most 4 times a day"),
        ({"channels": ["email", "fax"]}, "Select a valid choice. fax is not one of"),
        ({"second_nudge_at": "24:30"}, "Enter a time of day such as 18:00"),
        ({"quiet_until": ""}, "Give both the start and the end of the quiet hours"),
        ({"weekdays": []}, "Choose at least one day"),
        ({"timezone": "Mars/Olympus_Mons"}, "Select a valid choice"),
    ],
)
def test_bad_settings_get_a_clear_error_and_change_nothing(client, patient, change, message):
    reminder_settings_update(patient=patient, channels=["email"], times=["08:00"])
    before = ReminderSettings.objects.filter(patient=patient).values().get()
    client.force_login(patient.user)
    response = client.post(reverse("reminders:settings"), {**VALID, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReminderSettings.objects.filter(patient=patient).values().get() == before


def test_settings_pages_are_the_patients_own(client, patient, other_patient, therapist):
    reminder_settings_update(patient=other_patient, channels=["email"], times=["05:55"])
    client.force_login(patient.user)
    assert "05:55" not in client.get(reverse("reminders:settings")).content.decode()
    client.post(reverse("reminders:settings"), VALID)
    assert ReminderSettings.objects.get(patient=other_patient).times == ["05:55"]


@pytest.mark.parametrize(
    "name", ["reminders:settings", "reminders:calendar_reset", "reminders:push_subscribe"]
)
def test_patient_pages_are_404_for_staff_and_ask_anonymous_to_sign_in(
    client, patient, therapist, name
):
    url = reverse(name)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    client.force_login(therapist.user)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url).status_code == 404
    assert not ReminderSettings.objects.exists()


def test_patient_nav_links_to_reminders(client, patient, assignment):
    client.force_login(patient.user)
    page = client.get(reverse("patients:today")).content.decode()
    assert f'href="{reverse("reminders:settings")}"' in page


# Staff: the nudge, the calendar reset, the delivery log.


def _nudge(client, patient, **extra):
    return client.post(reverse("reminders:staff_nudge", args=[patient.pk]), extra)


def test_nudge_is_recorded_and_sent_by_the_worker_not_the_request(
    client, reachable, therapist, django_capture_on_commit_callbacks
):
    client.force_login(therapist.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _nudge(client, reachable)
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:patient_detail", args=[reachable.pk])
    assert mail.outbox == []  # nothing is sent inside the request
    (delivery,) = Delivery.objects.all()
    assert (delivery.kind, delivery.channel, delivery.state) == ("staff", "email", "pending")
    assert delivery.requested_by == therapist.user
    from django_q.models import OrmQ

    assert OrmQ.objects.count() == 1  # the worker was woken

    (event,) = AuditEvent.objects.filter(path_name="reminders:staff_nudge")
    assert (event.patient_id, event.action, event.user_id) == (
        reachable.pk,
        "change",
        therapist.user_id,
    )
    assert reminders_send_due() == 1
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    page = client.get(reverse("staff:patient_detail", args=[reachable.pk])).content.decode()
    local = timezone.localtime(Delivery.objects.get().sent_at, reachable.clinic.zone)
    assert f"emailed {local:%H:%M}" in page
    assert "Sent now by Sam Staff" in page


def test_nudge_is_rate_limited_per_patient(client, reachable, therapist, colleague):
    client.force_login(therapist.user)
    _nudge(client, reachable)
    client.force_login(colleague.user)
    response = _nudge(client, reachable)
    assert response.status_code == 302
    assert Delivery.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "less than 15 minutes ago" in page
    Delivery.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    _nudge(client, reachable)
    assert Delivery.objects.count() == 2


def test_nudge_without_a_channel_says_why(client, patient, therapist):
    client.force_login(therapist.user)
    response = _nudge(client, patient)
    page = client.get(response["Location"]).content.decode()
    assert "cannot be reminded" in page
    assert not Delivery.objects.exists()


def test_nudge_returns_to_the_page_it_came_from_only_on_this_site(client, reachable, therapist):
    client.force_login(therapist.user)
    home = reverse("dashboard:home")
    assert _nudge(client, reachable, next=home)["Location"] == home
    Delivery.objects.all().delete()
    response = _nudge(client, reachable, next="https://evil.example.com/")
    assert response["Location"] == reverse("staff:patient_detail", args=[reachable.pk])


@pytest.mark.parametrize("name", ["reminders:staff_nudge", "reminders:staff_calendar_reset"])
def test_staff_actions_are_the_clinics_own(
    client, reachable, other_clinic_patient, other_clinic_therapist, other_patient, name
):
    other_clinic_patient.email = "carol@example.org"
    other_clinic_patient.save(update_fields=["email"])
    url = reverse(name, args=[reachable.pk])
    # Anonymous: sign in first. A patient (even this one) and another clinic's staff: 404.
    assert client.post(url)["Location"].startswith("/login/")
    for user in (reachable.user, other_patient.user, other_clinic_therapist.user):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(other_clinic_therapist.user)
    assert client.get(url).status_code == 405
    assert not Delivery.objects.exists()
    assert not ReminderSettings.objects.exists()
    assert not AuditEvent.objects.filter(path_name=name).exists()


def test_colleague_may_nudge_and_reset(client, reachable, colleague):
    client.force_login(colleague.user)
    assert _nudge(client, reachable).status_code == 302
    url = reverse("reminders:staff_calendar_reset", args=[reachable.pk])
    assert client.post(url).status_code == 302
    assert Delivery.objects.count() == 1
    assert ReminderSettings.objects.get(patient=reachable).feed_id


def test_needs_attention_card_has_the_nudge_button(client, reachable, therapist, assignment):
    # A month on the plan and not one session: low adherence, needs attention.
    client.force_login(therapist.user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert reverse("reminders:staff_nudge", args=[reachable.pk]) in page
    assert "Send a reminder now" in page


def test_patient_page_delivery_log_costs_the_same_queries_at_any_length(
    client, reachable, therapist
):
    client.force_login(therapist.user)
    url = reverse("staff:patient_detail", args=[reachable.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    now = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                patient=reachable,
                local_date=now.date() - datetime.timedelta(days=n),
                slot="07:30",
                channel=channel,
                kind="staff" if n % 3 else "scheduled",
                requested_by=therapist.user,
                due_at=now - datetime.timedelta(days=n),
                next_attempt_at=now,
                state="sent",
                sent_at=now,
            )
            for n in range(40)
            for channel in ("email", "push")
        ]
    )
    with CaptureQueriesContext(connection) as full:
        page = client.get(url).content.decode()
    assert page.count("emailed ") + page.count("push sent ") == 20
    assert len(full) <= len(empty) + 1


def test_archived_patient_page_offers_no_nudge(client, reachable, therapist):
    reachable.archived_at = timezone.now()
    reachable.save(update_fields=["archived_at"])
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_detail", args=[reachable.pk])).content.decode()
    assert "Send a reminder now" not in page
    _nudge(client, reachable)
    assert not Delivery.objects.exists()


def test_patient_sees_their_own_delivery_log(client, reachable):
    factories.make_assignment(reachable, starts_on=datetime.date(2026, 1, 1))
    reminder_settings_update(patient=reachable, channels=["email"], times=["07:30"])
    from patients.reminders.services import reminders_plan

    reminders_plan(now=datetime.datetime(2026, 2, 2, 6, 30, tzinfo=datetime.UTC))
    reachable.email = ""
    reachable.save(update_fields=["email"])
    reminders_send_due()
    client.force_login(reachable.user)
    page = client.get(reverse("reminders:settings")).content.decode()
    assert "email failed: no email address" in page
