"""The adherence arithmetic, pinned day by day in the clinic's own time zone."""

import datetime
import uuid
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import AssignmentPause
from patients.review.adherence import clinic_overview, patient_adherence
from patients.sessions.services import completion_record, session_finish, session_start
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
D = datetime.date


@pytest.fixture
def now_is(monkeypatch):
    """Set the clock: every "now" (and so every clinic's today) is `moment`."""

    def now_is(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return now_is


def local(clinic, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(clinic.timezone))


def plan(patient, starts_on, **fields):
    return factories.make_assignment(
        patient, routine=factories.make_routine(None, steps=2), starts_on=starts_on, **fields
    )


def done(assignment, moment, pain=2):
    return factories.make_finished_session(assignment, when=moment, pain=pain)


def test_adherence_counts_a_daily_plan(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 30, 20, 0))
    assignment = plan(patient, D(2026, 6, 1))
    for day in (1, 2, 3, 28, 29, 30):
        done(assignment, local(clinic, 2026, 6, day, 8, 0))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 30))
    assert (result.adherence.completed, result.adherence.scheduled) == (6, 30)
    assert result.adherence.percent == 20
    assert result.streak == 3
    assert result.last_session_on == D(2026, 6, 30)


def test_adherence_follows_the_weekday_mask(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 14, 20, 0))  # a Sunday
    monday_wednesday_friday = 0b0010101
    assignment = plan(patient, D(2026, 6, 1), weekdays=monday_wednesday_friday)
    done(assignment, local(clinic, 2026, 6, 1, 8, 0))  # Monday
    done(assignment, local(clinic, 2026, 6, 2, 8, 0))  # Tuesday: not scheduled, adds nothing
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 14))
    assert (result.adherence.completed, result.adherence.scheduled) == (1, 6)
    assert [day.state for day in result.days[:3]] == ["done", "rest", "missed"]


def test_adherence_on_the_autumn_daylight_saving_day(now_is, clinic, patient):
    # Europe/Amsterdam falls back from +02:00 to +01:00 on 25 October 2026: a 25-hour day.
    now_is(datetime.datetime(2026, 10, 27, 12, 0, tzinfo=UTC))
    assignment = plan(patient, D(2026, 10, 24))
    done(assignment, datetime.datetime(2026, 10, 24, 21, 30, tzinfo=UTC))  # 24th 23:30 +02
    done(assignment, datetime.datetime(2026, 10, 24, 22, 30, tzinfo=UTC))  # 25th 00:30 +02
    done(assignment, datetime.datetime(2026, 10, 25, 23, 30, tzinfo=UTC))  # 26th 00:30 +01
    result = patient_adherence(patient=patient, start=D(2026, 10, 24), end=D(2026, 10, 26))
    assert [day.completed for day in result.days] == [1, 1, 1]
    assert (result.adherence.completed, result.adherence.scheduled) == (3, 3)


def test_adherence_on_the_spring_daylight_saving_day(now_is, clinic, patient):
    # On 29 March 2026 Amsterdam skips 02:00–03:00: a 23-hour day, still one scheduled day.
    now_is(local(clinic, 2026, 3, 30, 12, 0))
    assignment = plan(patient, D(2026, 3, 28), sessions_per_day=2)
    done(assignment, datetime.datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 29th 00:30 +01
    done(assignment, datetime.datetime(2026, 3, 29, 21, 30, tzinfo=UTC))  # 29th 23:30 +02
    done(assignment, datetime.datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # 30th 00:30 +02
    result = patient_adherence(patient=patient, start=D(2026, 3, 29), end=D(2026, 3, 29))
    assert (result.adherence.completed, result.adherence.scheduled) == (2, 2)
    assert result.days[0].state == "done"


def test_adherence_uses_the_clinics_today_not_utcs(now_is, patient):
    clinic = factories.make_clinic("Auckland Physio", timezone_name="Pacific/Auckland")
    patient.clinic = clinic
    patient.save()
    # 20:00 UTC on 1 June is 08:00 on 2 June in Auckland.
    now_is(datetime.datetime(2026, 6, 1, 20, 0, tzinfo=UTC))
    assert clinic.today() == D(2026, 6, 2)
    assignment = plan(patient, D(2026, 5, 27))
    for day in (27, 28, 29, 30, 31):
        done(assignment, local(clinic, 2026, 5, day, 9, 0))
    done(assignment, datetime.datetime(2026, 6, 1, 19, 30, tzinfo=UTC))  # 2 June, 07:30
    result = patient_adherence(patient=patient, start=D(2026, 5, 27))
    assert result.end == D(2026, 6, 2)
    # 1 June (Auckland) was missed; 2 June is done although UTC still says 1 June.
    assert [day.completed for day in result.days] == [1, 1, 1, 1, 1, 0, 1]
    assert (result.adherence.completed, result.adherence.scheduled) == (6, 7)
    assert result.streak == 1
    [row] = clinic_overview(clinic=clinic)
    assert (row.week.completed, row.week.scheduled) == (6, 7)
    assert row.last_session_on == D(2026, 6, 2)


def test_adherence_leaves_out_a_pause_in_the_middle(now_is, clinic, patient):
    now_is(local(clinic, 2026, 7, 1, 9, 0))
    assignment = plan(patient, D(2026, 6, 1))
    done(assignment, local(clinic, 2026, 6, 9, 8, 0))
    done(assignment, local(clinic, 2026, 6, 12, 8, 0))  # paused: not scheduled, adds nothing
    done(assignment, local(clinic, 2026, 6, 15, 8, 0))
    # The pause is recorded afterwards, covering a session the patient did anyway.
    AssignmentPause.objects.create(
        assignment=assignment, starts_on=D(2026, 6, 10), ends_on=D(2026, 6, 14)
    )
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 30))
    assert (result.adherence.completed, result.adherence.scheduled) == (2, 25)
    assert {day.state for day in result.days[9:14]} == {"paused"}


def test_adherence_leaves_out_days_of_an_open_pause(now_is, clinic, patient):
    now_is(local(clinic, 2026, 7, 1, 9, 0))
    assignment = plan(patient, D(2026, 6, 1))
    AssignmentPause.objects.create(assignment=assignment, starts_on=D(2026, 6, 21))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 30))
    assert result.adherence.scheduled == 20


def test_adherence_stops_when_the_assignment_ends_mid_period(now_is, clinic, patient):
    now_is(local(clinic, 2026, 7, 1, 9, 0))
    assignment = plan(patient, D(2026, 6, 1), ends_on=D(2026, 6, 15))
    for day in range(1, 16):
        done(assignment, local(clinic, 2026, 6, day, 8, 0))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 30))
    assert (result.adherence.completed, result.adherence.scheduled) == (15, 15)
    assert result.adherence.percent == 100
    # Days after the plan ended neither count nor break the streak.
    assert result.streak == 15


def test_adherence_counts_two_sessions_a_day_and_caps_the_extra(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 3, 20, 0))
    assignment = plan(patient, D(2026, 6, 1), sessions_per_day=2)
    for hour in (7, 12, 18):  # three on the first day: only two were due
        done(assignment, local(clinic, 2026, 6, 1, hour, 0))
    done(assignment, local(clinic, 2026, 6, 2, 7, 0))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 2))
    assert [day.completed for day in result.days] == [2, 1]
    assert [day.state for day in result.days] == ["done", "partial"]
    assert (result.adherence.completed, result.adherence.scheduled) == (3, 4)
    assert result.adherence.percent == 75


def test_adherence_caps_per_assignment(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 2, 9, 0))
    morning = plan(patient, D(2026, 6, 1))
    plan(patient, D(2026, 6, 1))
    done(morning, local(clinic, 2026, 6, 1, 7, 0))
    done(morning, local(clinic, 2026, 6, 1, 19, 0))  # the other plan is still not done
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 1))
    assert (result.adherence.completed, result.adherence.scheduled) == (1, 2)


def test_a_partial_session_is_not_completed(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 2, 20, 0))
    assignment = plan(patient, D(2026, 6, 1))
    session = session_start(assignment=assignment, started_at=local(clinic, 2026, 6, 1, 8, 0))
    first = assignment.routine.steps.first()
    completion_record(session=session, step=first, client_id=uuid.uuid4())
    with pytest.raises(ValidationError, match="every step"):
        session_finish(session=session, pain=3)
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 1))
    assert (result.adherence.completed, result.adherence.scheduled) == (0, 1)
    assert result.days[0].state == "partial"
    assert result.last_session_on == D(2026, 6, 1)


def test_a_session_with_skipped_steps_is_completed(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 1, 20, 0))
    assignment = plan(patient, D(2026, 6, 1))
    session = session_start(assignment=assignment, started_at=local(clinic, 2026, 6, 1, 8, 0))
    for step in assignment.routine.steps.all():
        completion_record(
            session=session,
            step=step,
            client_id=uuid.uuid4(),
            status="skipped",
            skip_reason="pain",
        )
    session_finish(session=session, pain=6)
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 1))
    assert result.adherence.completed == 1


def test_adherence_ignores_days_before_the_start(now_is, clinic, patient):
    now_is(local(clinic, 2026, 7, 1, 9, 0))
    assignment = plan(patient, D(2026, 6, 20))
    done(assignment, local(clinic, 2026, 6, 20, 8, 0))
    done(assignment, local(clinic, 2026, 6, 21, 8, 0))
    # The start is moved a day later, leaving the first session before it.
    assignment.starts_on = D(2026, 6, 21)
    assignment.save()
    result = patient_adherence(patient=patient, start=D(2026, 6, 1), end=D(2026, 6, 30))
    assert (result.adherence.completed, result.adherence.scheduled) == (1, 10)
    assert {day.state for day in result.days[:20]} == {"rest"}


def test_sessions_just_before_and_after_local_midnight(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 12, 20, 0))
    assignment = plan(patient, D(2026, 6, 1))
    done(assignment, local(clinic, 2026, 6, 10, 23, 59))  # 21:59 UTC, 10 June
    done(assignment, local(clinic, 2026, 6, 11, 0, 1))  # 22:01 UTC, still 10 June in UTC
    result = patient_adherence(patient=patient, start=D(2026, 6, 10), end=D(2026, 6, 11))
    assert [day.completed for day in result.days] == [1, 1]
    assert (result.adherence.completed, result.adherence.scheduled) == (2, 2)


def test_today_is_still_open(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 3, 9, 0))
    assignment = plan(patient, D(2026, 6, 1), sessions_per_day=2)
    for day in (1, 2):
        for hour in (7, 19):
            done(assignment, local(clinic, 2026, 6, day, hour, 0))
    # Today's sessions are not missed yet: adherence and streak are untouched by them.
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert (result.adherence.completed, result.adherence.scheduled) == (4, 4)
    assert result.streak == 2
    done(assignment, local(clinic, 2026, 6, 3, 7, 0))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert (result.adherence.completed, result.adherence.scheduled) == (5, 5)
    assert result.streak == 2
    done(assignment, local(clinic, 2026, 6, 3, 8, 0))
    assert patient_adherence(patient=patient, start=D(2026, 6, 1)).streak == 3


def test_streak_skips_rest_days_and_stops_at_a_miss(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 14, 20, 0))  # Sunday
    weekdays_only = 0b0011111
    assignment = plan(patient, D(2026, 6, 1), weekdays=weekdays_only)
    for day in (1, 2, 4, 5, 8, 9, 10, 11, 12):  # 3 June missed
        done(assignment, local(clinic, 2026, 6, day, 8, 0))
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert result.streak == 7


def test_pain_average_and_trend(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 10, 20, 0))
    assignment = plan(patient, D(2026, 6, 1))
    for day, pain in ((1, 6), (2, 2), (3, 3), (4, 5)):
        done(assignment, local(clinic, 2026, 6, day, 8, 0), pain=pain)
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert result.average_pain == pytest.approx(4.0)
    assert result.pain_trend == "rising"
    assert result.latest_pain == 5
    done(assignment, local(clinic, 2026, 6, 5, 8, 0), pain=1)
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert result.pain_trend == "steady"
    assert result.latest_pain == 1


def test_patient_adherence_runs_a_fixed_number_of_queries(
    now_is, clinic, patient, django_assert_max_num_queries
):
    now_is(local(clinic, 2026, 6, 30, 20, 0))
    assignment = plan(patient, D(2026, 4, 1), sessions_per_day=2)
    AssignmentPause.objects.create(assignment=assignment, starts_on=D(2026, 5, 1))
    for day in range(1, 31):
        done(assignment, local(clinic, 2026, 4, day, 8, 0))
    with django_assert_max_num_queries(6):
        patient_adherence(patient=patient, start=D(2026, 4, 1))


def test_last_session_and_average_pain_as_the_staff_see_them(now_is, clinic, patient):
    now_is(local(clinic, 2026, 6, 30, 20, 0))
    assignment = plan(patient, D(2026, 5, 1))
    done(assignment, local(clinic, 2026, 5, 20, 8, 0), pain=9)  # over 30 days ago
    done(assignment, local(clinic, 2026, 6, 10, 8, 0), pain=2)
    done(assignment, local(clinic, 2026, 6, 28, 8, 0), pain=5)
    # Two sessions on the last day: the one started later is the last, finished or not.
    done(assignment, local(clinic, 2026, 6, 29, 7, 0), pain=6)
    unfinished = session_start(assignment=assignment, started_at=local(clinic, 2026, 6, 29, 9, 0))
    for cached in (True, False):
        [row] = clinic_overview(clinic=clinic, cached=cached)
        assert (row.last_session_id, row.last_session_on) == (unfinished.pk, D(2026, 6, 29))
        assert row.average_pain == pytest.approx(13 / 3)
    result = patient_adherence(patient=patient, start=D(2026, 6, 1))
    assert result.last_session_on == D(2026, 6, 29)
    assert result.average_pain == pytest.approx(13 / 3)
    result = patient_adherence(patient=patient, start=D(2026, 5, 1), end=D(2026, 5, 31))
    assert result.average_pain == 9


def test_a_last_session_older_than_the_lookback_still_shows(now_is, clinic, patient):
    now_is(local(clinic, 2026, 1, 10, 8, 0))
    assignment = plan(patient, D(2026, 1, 1), ends_on=D(2026, 1, 31))
    old = done(assignment, local(clinic, 2026, 1, 10, 7, 0), pain=4)
    now_is(local(clinic, 2026, 6, 30, 20, 0))  # 171 days later, nothing since
    for cached in (True, False):
        [row] = clinic_overview(clinic=clinic, cached=cached)
        assert (row.last_session_id, row.last_session_on) == (old.pk, D(2026, 1, 10))
        assert row.average_pain is None
    assert patient_adherence(patient=patient, start=D(2026, 6, 1)).last_session_on == D(2026, 1, 10)
    newcomer = factories.make_patient(clinic, account=False)
    rows = {row.patient: row for row in clinic_overview(clinic=clinic)}
    assert (rows[newcomer].last_session_id, rows[newcomer].last_session_on) == (None, None)
