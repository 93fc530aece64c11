"""Dates read one way in each language (clinic/formats, clinic/dates.py, the `dates`
filters): a day, a short date, a date and time, never all numbers. Moments are shown on the
clinic's clock, and machine-readable places (CSV, datetime="") keep ISO 8601."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from clinic import dates
from patients.plans.services import assignment_schedule
from tests import factories

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
# 1 December 2026, 10:11 in Amsterdam (09:11 UTC).
MOMENT = datetime.datetime(2026, 12, 1, 9, 11, tzinfo=datetime.UTC)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# 03:00 UTC is already 1 December in Amsterdam and still 30 November in Winnipeg.
LATE_EVENING_IN_WINNIPEG = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)


def nb(text: str) -> str:
    """A date as shown: its spaces don't break (a phone never shows "1 / Dec 2026")."""
    return text.replace(" ", NBSP)


def _render(source: str, **context) -> str:
    return Template("{% load dates %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "day", "short", "moment", "clock"),
    [
        ("en", f"Tuesday 1{NBSP}December", nb("1 Dec 2026"), nb("1 Dec 2026") + ", 10:11", "10:11"),
        (
            "fr-ca",
            f"mardi 1{NBSP}décembre",
            nb("1 déc. 2026"),
            nb("1 déc. 2026") + ", " + nb("10 h 11"),
            nb("10 h 11"),
        ),
    ],
)
def test_date_filters_speak_each_language(language, day, short, moment, clock, settings):
    today = datetime.date(2026, 12, 1)
    with translation.override(language), timezone.override(AMSTERDAM):
        shown = _render(
            "{{ d|day }}|{{ d|short_date }}|{{ m|date_time:zone }}|{{ m|time_of_day:zone }}",
            d=today,
            m=MOMENT,
            zone=AMSTERDAM,
        )
        this_year = timezone.localdate().year == 2026
    expected_day = day if this_year else day + " 2026"
    assert shown == f"{expected_day}|{short}|{moment}|{clock}"


def test_a_day_of_another_year_says_its_year():
    with translation.override("en"):
        assert dates.day(datetime.date(2019, 3, 4)) == f"Monday 4{NBSP}March 2019"
    with translation.override("fr-ca"):
        assert dates.day(datetime.date(2019, 3, 4)) == f"lundi 4{NBSP}mars 2019"


def test_french_months_are_written_abbreviations_never_numbers():
    """Django's "M" would give "Déc", and "jui" for both June and July."""
    with translation.override("fr-ca"):
        shown = [dates.short_date(datetime.date(2026, month, 9)) for month in (6, 7, 3)]
    assert shown == [nb("9 juin 2026"), nb("9 juil. 2026"), nb("9 mars 2026")]


def test_a_morning_time_in_french_has_no_leading_zero():
    with translation.override("fr-ca"):
        assert dates.time_of_day(datetime.time(9, 5)) == f"9{NBSP}h{NBSP}05"


def test_a_moment_is_shown_on_the_zone_given():
    with translation.override("en"):
        assert dates.date_time(LATE_EVENING_IN_WINNIPEG, "America/Winnipeg") == (
            nb("30 Nov 2026") + ", 21:00"
        )
        assert dates.short_date(LATE_EVENING_IN_WINNIPEG, AMSTERDAM) == nb("1 Dec 2026")


def test_empty_values_show_nothing():
    assert _render("[{{ none|day }}{{ none|short_date }}{{ none|date_time }}]", none=None) == "[]"


@pytest.mark.parametrize("language", ["en", "fr-ca"])
def test_date_fields_take_iso_and_refuse_numbers_that_read_two_ways(language):
    """<input type="date"> sends ISO 8601; "12/01/2026" is 1 December in Winnipeg and
    12 January in Amsterdam, so it is refused rather than guessed."""
    with translation.override(language):
        field = forms.DateField()
        assert field.clean("2026-12-01") == datetime.date(2026, 12, 1)
        with pytest.raises(forms.ValidationError):
            field.clean("12/01/2026")
        # The widget writes the value back as ISO 8601, what the date input reads.
        assert 'value="2026-12-01"' in forms.DateInput().render("d", datetime.date(2026, 12, 1))


def _page(response) -> str:
    """The page with its non-breaking spaces read as spaces."""
    return response.content.decode().replace(NBSP, " ")


def _plan_change(clinic_zone: str):
    clinic = factories.make_clinic(timezone_name=clinic_zone)
    therapist = factories.make_staff(clinic)
    patient = factories.make_patient(clinic, therapist)
    assignment = factories.make_assignment(patient, starts_on=datetime.date(2026, 12, 1))
    assignment_schedule(
        assignment=assignment,
        starts_on=datetime.date(2026, 12, 1),
        ends_on=None,
        weekdays=assignment.weekdays,
        sessions_per_day=1,
    )
    # The change was made at a moment that is a different day in the two zones.
    type(assignment).objects.filter(pk=assignment.pk).update(changed_at=LATE_EVENING_IN_WINNIPEG)
    return patient, therapist


@pytest.mark.parametrize(
    ("zone", "changed", "changed_fr"),
    [
        ("Europe/Amsterdam", "1 Dec 2026", "1 déc. 2026"),
        ("America/Winnipeg", "30 Nov 2026", "30 nov. 2026"),
    ],
)
def test_plan_change_and_start_read_the_same_in_every_clinic(client, zone, changed, changed_fr):
    patient, therapist = _plan_change(zone)
    client.force_login(patient.user)

    today = _page(client.get(reverse("patients:today")))
    assert "Your plan changed</strong> (<time datetime=" in today
    assert f">{changed}</time>)" in today
    plan = _page(client.get(reverse("patients:plan")))
    assert "From 1 Dec 2026" in plan
    for page in (today, plan):
        assert "12/01/2026" not in page
        assert "01/12/2026" not in page

    today_fr = client.get(reverse("patients:today"), HTTP_ACCEPT_LANGUAGE="fr-ca")
    if today_fr.headers.get("Content-Language") == "fr-ca":
        assert f">{changed_fr}</time>)" in _page(today_fr)

    client.force_login(therapist.user)
    detail = _page(client.get(reverse("staff:patient_detail", args=[patient.pk])))
    assert "From 1 Dec 2026" in detail
    assert "12/01/2026" not in detail


def test_sessions_csv_keeps_iso_8601(client, therapist, patient, assignment):
    factories.make_finished_session(assignment, when=MOMENT)
    client.force_login(therapist.user)
    response = client.get(
        reverse("dashboard:progress_export", args=[patient.pk]), HTTP_ACCEPT_LANGUAGE="fr-ca"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    [_header, row] = rows
    assert row[0] == "2026-12-01"
    assert row[1] == "2026-12-01 10:11"


def test_dashboard_csv_keeps_iso_8601(client, therapist, patient, assignment):
    factories.make_finished_session(assignment, when=timezone.now())
    client.force_login(therapist.user)
    response = client.get(reverse("dashboard:export"), HTTP_ACCEPT_LANGUAGE="fr-ca")
    body = response.content.decode()
    assert patient.clinic.today().isoformat() in body


def test_pain_summary_and_attention_reason_say_dates_in_words(client, therapist, patient):
    patient.clinic.attention_pain = 6
    patient.clinic.save(update_fields=["attention_pain"])
    assignment = factories.make_assignment(patient)
    day = patient.clinic.today() - datetime.timedelta(days=1)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), AMSTERDAM)
    factories.make_finished_session(assignment, when=noon, pain=8)
    client.force_login(therapist.user)
    with translation.override("en"):
        shown = dates.short_date(day)
    progress = client.get(reverse("dashboard:progress", args=[patient.pk]))
    assert f"1 pain report from {shown} to {shown}" in progress.context["pain_summary"]
    home = client.get(reverse("dashboard:home")).content.decode()
    assert f"Reported pain 8 of 10 on {shown}" in home


def test_invitation_email_says_the_expiry_in_words(mailoutbox, therapist, patient):
    from patients.roster.services import invitation_create, invitation_send_email

    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    invitation, _token = invitation_create(patient=patient, created_by=therapist.user)
    with translation.override("en"):
        invitation_send_email(invitation=invitation, url="https://limber.example/invite/x/")
        expected = dates.date_time(invitation.expires_at, patient.clinic.zone)
    [mail] = mailoutbox
    assert f"until {expected})" in mail.body
    assert invitation.expires_at.date().isoformat() not in mail.body
