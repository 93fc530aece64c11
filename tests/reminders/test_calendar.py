"""The private calendar feed: sessions as events with an alarm at the reminder time, plan
changes, pauses and ends followed, and a reset link that makes the old URL answer 404."""

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from patients.models import AssignmentPause
from patients.reminders.services import (
    calendar_feed_reset,
    calendar_feed_token,
    reminder_settings_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed_patient(patient):
    reminder_settings_update(
        patient=patient,
        channels=["calendar"],
        times=["07:30", "18:00"],
        timezone_name="America/New_York",
    )
    return patient


def _feed_path(patient) -> str:
    patient.reminder_settings.refresh_from_db()
    return reverse("reminders:calendar_feed", args=[calendar_feed_token(patient.reminder_settings)])


def _events(response) -> list:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_feed_lists_each_scheduled_session_with_an_alarm_at_the_reminder_time(feed_patient):
    today = feed_patient.clinic.today()
    # Monday, Wednesday and Friday.
    factories.make_assignment(feed_patient, starts_on=today, weekdays=0b0010101)
    events = _events(Client().get(_feed_path(feed_patient)))

    days = [event.decoded("dtstart").date() for event in events]
    expected = [
        today + datetime.timedelta(days=n)
        for n in range(28)
        if (today + datetime.timedelta(days=n)).weekday() in (0, 2, 4)
    ]
    assert days == expected
    first = events[0]
    start = first.decoded("dtstart")
    assert start.tzinfo.key == "America/New_York"
    assert start.strftime("%H:%M") == "07:30"
    (alarm,) = first.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("trigger") == datetime.timedelta(0)
    assert str(first["SUMMARY"]) == "Stretching session"
    assert "/today/" in str(first["DESCRIPTION"])


def test_feed_event_keeps_its_wall_time_across_dst(feed_patient, settings):
    settings.REMINDER_FEED_WEEKS = 2
    factories.make_assignment(feed_patient, starts_on=feed_patient.clinic.today())
    for event in _events(Client().get(_feed_path(feed_patient))):
        start = event.decoded("dtstart")
        local = start.astimezone(zoneinfo.ZoneInfo("America/New_York"))
        assert local.strftime("%H:%M") == "07:30"


def test_feed_follows_pauses_and_ends(feed_patient):
    today = feed_patient.clinic.today()
    plan = factories.make_assignment(feed_patient, starts_on=today)
    path = _feed_path(feed_patient)
    assert len(_events(Client().get(path))) == 28

    AssignmentPause.objects.create(
        assignment=plan, starts_on=today, ends_on=today + datetime.timedelta(days=6)
    )
    assert len(_events(Client().get(path))) == 21
    plan.ends_on = today + datetime.timedelta(days=9)
    plan.save(update_fields=["ends_on"])
    assert len(_events(Client().get(path))) == 3


def test_reset_by_the_patient_makes_the_old_url_404(client, feed_patient):
    old = _feed_path(feed_patient)
    client.force_login(feed_patient.user)
    response = client.post(reverse("reminders:calendar_reset"))
    assert response.status_code == 302
    new = _feed_path(feed_patient)
    assert new != old
    anonymous = Client()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200


def test_reset_by_staff_makes_the_old_url_404(client, feed_patient, therapist):
    old = _feed_path(feed_patient)
    client.force_login(therapist.user)
    response = client.post(reverse("reminders:staff_calendar_reset", args=[feed_patient.pk]))
    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    assert Client().get(_feed_path(feed_patient)).status_code == 200


def test_forged_or_archived_feed_answers_404(feed_patient):
    path = _feed_path(feed_patient)
    assert Client().get(path.replace(".ics", "0.ics")).status_code == 404
    feed_id = feed_patient.reminder_settings.feed_id
    assert Client().get(reverse("reminders:calendar_feed", args=[feed_id])).status_code == 404
    feed_patient.archived_at = datetime.datetime.now(tz=datetime.UTC)
    feed_patient.save(update_fields=["archived_at"])
    assert Client().get(path).status_code == 404


def test_reset_link_is_shown_to_the_patient_on_their_page(client, patient):
    client.force_login(patient.user)
    page = client.get(reverse("reminders:settings")).content.decode()
    assert "Make my calendar link" in page
    row = calendar_feed_reset(patient=patient)
    page = client.get(reverse("reminders:settings")).content.decode()
    assert calendar_feed_token(row) in page
