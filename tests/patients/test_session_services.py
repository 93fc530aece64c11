"""The session services the forms and the API share."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import AssignmentPause, Session
from patients.plans.schedule import is_paused_on
from patients.sessions.selectors import patient_session, patient_today
from patients.sessions.services import completion_record, session_start

pytestmark = pytest.mark.django_db


def test_session_start_refuses_a_paused_day_but_not_an_earlier_one(assignment, clinic):
    AssignmentPause.objects.create(
        assignment=assignment, starts_on=clinic.today() - datetime.timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="paused"):
        session_start(assignment=assignment)
    earlier = timezone.now() - datetime.timedelta(days=5)
    assert session_start(assignment=assignment, started_at=earlier).local_date < clinic.today()
    assert Session.objects.count() == 1


def test_completion_time_from_a_device_stays_within_the_session(session):
    step = session.assignment.routine.steps.first()
    future = timezone.now() + datetime.timedelta(days=3)
    completion, _ = completion_record(
        session=session, step=step, client_id=uuid.uuid4(), recorded_at=future
    )
    assert session.started_at <= completion.recorded_at <= timezone.now()


def test_completion_time_before_the_session_is_moved_to_its_start(session):
    step = session.assignment.routine.steps.first()
    completion, _ = completion_record(
        session=session,
        step=step,
        client_id=uuid.uuid4(),
        recorded_at=session.started_at - datetime.timedelta(days=1),
    )
    assert completion.recorded_at == session.started_at


# (first day, last day) of a pause, in days from today; None: open-ended.
PAUSES = [
    (-3, None),
    (0, None),
    (1, None),
    (-3, -1),
    (-3, 0),
    (0, 0),
    (1, 3),
    (-10, -5),
]


@pytest.mark.parametrize(("first", "last"), PAUSES)
def test_patient_session_knows_a_pause_as_the_schedule_does(session, patient, clinic, first, last):
    """The selector's SQL for "a pause covers the plan today" is schedule.is_paused_on's
    rule, and so is patient_today's."""
    today = clinic.today()
    AssignmentPause.objects.create(
        assignment=session.assignment,
        starts_on=today + datetime.timedelta(days=first),
        ends_on=None if last is None else today + datetime.timedelta(days=last),
    )
    loaded = patient_session(patient=patient, session_id=session.id)
    expected = is_paused_on(session.assignment, today)
    assert loaded.paused_by_day == {today: expected}
    [plan] = patient_today(patient=patient)
    assert bool(plan.paused_today) is expected


def test_patient_session_only_finds_the_patients_own(
    session, patient, other_patient, other_patient_session
):
    assert patient_session(patient=patient, session_id=session.id) == session
    assert patient_session(patient=patient, session_id=other_patient_session.id) is None
    assert patient_session(patient=other_patient, session_id=session.id) is None
    assert patient_session(patient=patient, session_id=987654) is None


def test_completion_record_refuses_a_status_it_does_not_know(session):
    step = session.assignment.routine.steps.select_related("exercise").first()
    with pytest.raises(ValidationError) as refused:
        completion_record(session=session, step=step, client_id=uuid.uuid4(), status="meh")
    assert "status" in refused.value.message_dict
