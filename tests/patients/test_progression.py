"""A plan's steps progress week by week: Today's notice, the player, what completions keep."""

import datetime
import uuid
import zoneinfo

import pytest
from django.urls import reverse

from patients.models import Completion
from patients.sessions.services import completion_record, session_start
from routines.progression.services import progression_rule_save
from tests import factories

pytestmark = pytest.mark.django_db


def _plan_a_week_old(patient, *, pain=2, sessions=7):
    """A plan that began seven days ago, done every day of its first week."""
    clinic = patient.clinic
    today = clinic.today()
    assignment = factories.make_assignment(patient, starts_on=today - datetime.timedelta(days=7))
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    for days_ago in range(7, 7 - sessions, -1):
        day = today - datetime.timedelta(days=days_ago)
        when = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
        factories.make_finished_session(assignment, when, pain=pain)
    step = assignment.routine.steps.order_by("position").first()
    return assignment, step


def _rule(step, **values):
    values = {"field": "hold_seconds", "amount": 5, "ceiling": 60} | values
    return progression_rule_save(step=step, **values)


def _today(client, patient):
    client.force_login(patient.user)
    return client.get(reverse("patients:today")).content.decode()


def test_today_tells_the_patient_what_grew_this_week(client, patient):
    assignment, step = _plan_a_week_old(patient)
    _rule(step)
    page = _today(client, patient)
    assert "This week" in page
    assert f"{step.exercise.name}: hold 25 s (up from 20 s)" in page


def test_today_says_nothing_when_the_gates_hold_the_step(client, patient):
    assignment, step = _plan_a_week_old(patient, sessions=4)  # 4 of 7: 57 %
    _rule(step)
    assert "up from" not in _today(client, patient)


def test_today_holds_after_a_pain_report_at_the_threshold(client, patient):
    assignment, step = _plan_a_week_old(patient, pain=5)
    _rule(step)
    assert "up from" not in _today(client, patient)


def test_today_follows_the_plans_own_gates(client, patient):
    from patients.models import PlanGates

    assignment, step = _plan_a_week_old(patient, pain=5)
    PlanGates.objects.create(assignment=assignment, min_adherence_percent=80, pain_threshold=8)
    _rule(step)
    assert "hold 25 s (up from 20 s)" in _today(client, patient)


def test_player_shows_the_progressed_hold_and_the_notice(client, patient):
    assignment, step = _plan_a_week_old(patient)
    _rule(step)
    session = session_start(assignment=assignment)
    client.force_login(patient.user)
    response = client.get(reverse("patients:session", args=[session.id]))
    page = response.content.decode()
    assert "hold 25 s (up from 20 s)" in page
    shown = next(s for s in response.context["steps"] if s.id == step.id)
    assert shown.hold_seconds == 25


def test_completion_keeps_the_prescription_in_force_and_history_stays_true(patient):
    assignment, step = _plan_a_week_old(patient)
    first_week = Completion.objects.filter(step=step).values_list("hold_seconds", flat=True)
    assert set(first_week) == {20}
    _rule(step)
    session = session_start(assignment=assignment)
    completion, _ = completion_record(session=session, step=step, client_id=uuid.uuid4())
    assert completion.hold_seconds == 25
    # A later change of the rule rewrites nothing recorded.
    _rule(step, manual_value=40)
    completion.refresh_from_db()
    assert completion.hold_seconds == 25
    assert set(Completion.objects.filter(step=step).values_list("hold_seconds", flat=True)) == {
        20,
        25,
    }
    step.refresh_from_db()
    assert step.hold_seconds == 20  # the routine's own value is never rewritten


def test_today_query_count_with_rules_is_bounded(client, patient, django_assert_max_num_queries):
    for _ in range(3):
        assignment, step = _plan_a_week_old(patient)
        _rule(step)
    client.force_login(patient.user)
    # Per plan with a rule: steps, pauses, sessions, plan gates, clinic gates.
    with django_assert_max_num_queries(4 + 3 * 5):
        response = client.get(reverse("patients:today"))
    assert response.content.decode().count("up from 20 s") == 3


def test_today_api_names_what_grew_this_week(patient):
    from rest_framework.test import APIClient

    from tests.api.conftest import bearer

    assignment, step = _plan_a_week_old(patient)
    _rule(step)
    response = APIClient().get("/api/v1/today/", headers=bearer(patient.user))
    assert response.status_code == 200
    (plan,) = response.json()
    assert plan["this_week"] == [f"{step.exercise.name}: hold 25 s (up from 20 s)"]
