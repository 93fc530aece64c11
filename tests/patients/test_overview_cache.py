"""The staff home page's stored summaries: every change to what they are made of shows at once."""

import datetime

import pytest
from django.utils import timezone

from patients.models import AssignmentPause
from patients.review.adherence import clinic_overview
from patients.sessions.services import session_finish, session_start
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def numbers(clinic) -> list[tuple]:
    return [
        (
            row.patient.pk,
            row.week,
            row.month,
            row.streak,
            row.latest_pain,
            row.pain_trend,
            row.reason_codes,
            row.last_session_id,
            row.last_session_on,
            row.average_pain,
        )
        for row in clinic_overview(clinic=clinic)
    ]


def fresh_numbers(clinic) -> list[tuple]:
    return [
        (
            row.patient.pk,
            row.week,
            row.month,
            row.streak,
            row.latest_pain,
            row.pain_trend,
            row.reason_codes,
            row.last_session_id,
            row.last_session_on,
            row.average_pain,
        )
        for row in clinic_overview(clinic=clinic, cached=False)
    ]


def at(clinic, days_ago: int) -> datetime.datetime:
    day = clinic.today() - days_ago * DAY
    return datetime.datetime.combine(day, datetime.time(9), clinic.zone)


@pytest.fixture
def plan(clinic, patient):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 20 * DAY)
    for days_ago in (6, 5, 4):
        factories.make_finished_session(assignment, when=at(clinic, days_ago), pain=3)
    return assignment


def test_overview_cache_serves_the_same_numbers_twice_with_fewer_queries(
    clinic, plan, django_assert_num_queries
):
    first = numbers(clinic)
    # which summaries no longer fit (none), the stored summaries with their patients
    with django_assert_num_queries(2):
        assert numbers(clinic) == first
    assert first == fresh_numbers(clinic)


def test_overview_cache_shows_a_session_started_and_then_finished(clinic, plan):
    before = numbers(clinic)
    session = session_start(assignment=plan, started_at=timezone.now())
    started = numbers(clinic)
    assert started != before
    assert started == fresh_numbers(clinic)
    assert started[0][7:9] == (session.pk, clinic.today())  # the last session, unfinished
    factories.record_every_step(session)
    session_finish(session=session, pain=8, finished_at=session.started_at)
    finished = numbers(clinic)
    assert finished == fresh_numbers(clinic)
    assert finished[0][4] == 8  # the latest pain
    assert (started[0][9], finished[0][9]) == (3, 4.25)  # the 30-day average pain


def test_overview_cache_shows_a_pause_and_a_plan_change(clinic, plan):
    before = numbers(clinic)
    pause = AssignmentPause.objects.create(
        assignment=plan, starts_on=clinic.today() - 3 * DAY, ends_on=clinic.today() - DAY
    )
    paused = numbers(clinic)
    assert paused != before
    assert paused == fresh_numbers(clinic)
    pause.delete()
    assert numbers(clinic) == before
    plan.weekdays = 0b0000001  # Mondays only
    plan.save()
    assert numbers(clinic) == fresh_numbers(clinic)


def test_overview_cache_shows_a_new_patient(clinic, therapist, plan):
    numbers(clinic)
    newcomer = factories.make_patient(clinic, therapist, account=False)
    rows = numbers(clinic)
    assert newcomer.pk in {row[0] for row in rows}
    assert rows == fresh_numbers(clinic)
