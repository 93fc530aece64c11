"""Sessions for the patient's pages: the patient's own, another patient's, another clinic's."""

import uuid

import pytest

from patients.sessions.services import completion_record, session_start
from routines.models import RoutineStep
from tests import factories


@pytest.fixture
def session(assignment):
    return session_start(assignment=assignment)


@pytest.fixture
def other_patient_session(other_patient):
    return session_start(assignment=factories.make_assignment(other_patient))


@pytest.fixture
def other_clinic_session(other_clinic_assignment):
    return session_start(assignment=other_clinic_assignment)


@pytest.fixture
def each_side_assignment(patient, clinic):
    """Two steps: one each side in two sets with a rest, one both sides held twice."""
    routine = factories.make_routine(clinic, steps=0)
    RoutineStep.objects.create(
        routine=routine,
        exercise=factories.make_exercise(clinic, name="Supine lumbar rotation"),
        position=1,
        hold_seconds=20,
        sets=2,
        sides="each",
        rest_seconds=10,
    )
    RoutineStep.objects.create(
        routine=routine,
        exercise=factories.make_exercise(clinic, name="Knees to chest"),
        position=2,
        hold_seconds=15,
        repetitions=2,
        sides="both",
        rest_seconds=5,
    )
    return factories.make_assignment(patient, routine)


def complete(session, step, set_number=1, side="both", **fields):
    return completion_record(
        session=session,
        step=step,
        client_id=uuid.uuid4(),
        set_number=set_number,
        side=side,
        **fields,
    )
