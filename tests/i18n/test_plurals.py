"""A number meets its noun in the right form, through the real pages: "1 repetition",
"2 repetitions", "1 of 1 scheduled session" (ngettext and {% blocktranslate count %})."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.plans.progression import change_in_words
from routines.progression.arithmetic import Prescription
from tests import factories

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    ("reps", "sets", "words"),
    [(1, 1, "1 repetition, 1 set,"), (2, 3, "2 repetitions, 3 sets,")],
)
def test_exercise_default_prescription_counts(client, therapist, reps, sets, words):
    exercise = factories.make_exercise(
        therapist.clinic, default_repetitions=reps, default_sets=sets
    )
    client.force_login(therapist.user)
    page = _text(client.get(reverse("routines:exercise_detail", args=[exercise.pk])))
    assert words in page


def test_calendar_says_one_scheduled_session(client, therapist, patient):
    """A plan that began today: one session scheduled in the 12 weeks, and done."""
    assignment = factories.make_assignment(patient, starts_on=patient.clinic.today())
    factories.make_finished_session(assignment, when=timezone.now())
    client.force_login(therapist.user)
    page = _text(client.get(reverse("dashboard:progress", args=[patient.pk])))
    assert "1 of 1 scheduled session done in these 12 weeks so far." in page


def test_calendar_says_scheduled_sessions_for_more(client, therapist, patient):
    assignment = factories.make_assignment(
        patient, starts_on=patient.clinic.today() - datetime.timedelta(days=1)
    )
    factories.make_finished_session(assignment, when=timezone.now())
    client.force_login(therapist.user)
    page = _text(client.get(reverse("dashboard:progress", args=[patient.pk])))
    assert "1 of 2 scheduled sessions done in these 12 weeks so far." in page


def test_session_done_says_one_planned_session(client, patient):
    """A one-day plan: this week holds one planned session."""
    today = patient.clinic.today()
    assignment = factories.make_assignment(patient, starts_on=today, ends_on=today)
    session = factories.make_finished_session(assignment, when=timezone.now())
    client.force_login(patient.user)
    page = _text(client.get(reverse("patients:session", args=[session.pk])))
    assert "This week: 1 of 1 planned session" in page
    assert "planned sessions" not in page


def test_one_missed_day_and_one_pain_report_in_the_singular(client, therapist, patient):
    clinic = patient.clinic
    clinic.attention_missed_days = 1
    clinic.save(update_fields=["attention_missed_days"])
    assignment = factories.make_assignment(
        patient, starts_on=clinic.today() - datetime.timedelta(days=2)
    )
    factories.make_finished_session(
        assignment, when=timezone.now() - datetime.timedelta(days=2), pain=3
    )
    client.force_login(therapist.user)
    home = _text(client.get(reverse("dashboard:home")))
    # Yesterday was missed; today is not missed until it is over.
    assert "No session on the last 1 scheduled day" in home
    assert "scheduled days" not in home
    progress = client.get(reverse("dashboard:progress", args=[patient.pk]))
    assert progress.context["pain_summary"].startswith("1 pain report from ")


def test_player_gives_each_counted_sentence_in_both_forms(client, patient, assignment):
    client.force_login(patient.user)
    start = client.post(reverse("patients:start", args=[assignment.pk]))
    page = client.get(start.url).content.decode()
    assert 'data-t-hold-for-one="Hold for {seconds} second"' in page
    assert 'data-t-hold-for-other="Hold for {seconds} seconds"' in page
    assert 'data-t-rest-for-one="Rest for {seconds} second"' in page
    assert 'data-t-extended-one="10 seconds added: {seconds} second left"' in page


def test_admin_action_says_one_patient_archived(client, clinic_admin, patient):
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("admin:patients_patient_changelist"),
        {"action": "archive", "_selected_action": [patient.pk]},
        follow=True,
    )
    assert "1 patient archived." in _text(response)


@pytest.mark.parametrize(
    ("field", "value", "previous", "words"),
    [
        ("repetitions", 1, 2, "Knees to chest: 1 repetition (down from 2)"),
        ("repetitions", 3, 2, "Knees to chest: 3 repetitions (up from 2)"),
        ("sets", 1, 2, "Knees to chest: 1 set (down from 2)"),
    ],
)
def test_progression_notice_counts(field, value, previous, words):
    """The patient's notice when a step grows or steps back (patients/plans/progression.py)."""
    step = SimpleNamespace(exercise=SimpleNamespace(name="Knees to chest"))
    prescription = Prescription(
        starts_on=datetime.date(2026, 12, 1), value=value, previous=previous, reason="grew"
    )
    assert change_in_words(step, field, prescription) == words
