"""The session services the forms and the API share."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import AssignmentPause, Session
from patients.services import completion_record, session_start

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
