"""Each invariant is enforced by the database itself, not only by forms."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from clinic.models import Clinic, StaffMember
from patients.models import Assignment, AssignmentPause, Completion, Invitation, Session
from patients.sessions.services import completion_record, session_start
from routines.models import Exercise, Routine, RoutineStep
from tests import factories

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_clinic_constraints_reject_bad_rows(clinic):
    assert_rejected(lambda: Clinic.objects.create(name=clinic.name))
    assert_rejected(lambda: Clinic.objects.create(name="No zone", timezone=""))


def test_staff_member_role_must_be_known(clinic):
    user = factories.make_user()
    assert_rejected(lambda: StaffMember.objects.create(user=user, clinic=clinic, role="boss"))


@pytest.mark.parametrize(
    "fields",
    [
        {"default_hold_seconds": 0},
        {"default_hold_seconds": 601},
        {"default_repetitions": 0},
        {"default_repetitions": 51},
        {"default_sets": 0},
        {"default_sets": 11},
        {"default_sides": "one"},
        {"name": ""},
    ],
)
def test_exercise_rejects_out_of_range_defaults(clinic, fields):
    assert_rejected(lambda: factories.make_exercise(clinic, **fields))


def test_exercise_names_are_unique_per_clinic_and_among_builtins(clinic, other_clinic):
    factories.make_exercise(clinic, name="Cat-cow")
    factories.make_exercise(other_clinic, name="Cat-cow")  # another clinic may reuse it
    assert_rejected(lambda: factories.make_exercise(clinic, name="Cat-cow"))
    assert_rejected(lambda: factories.make_exercise(None, name="Child's pose"))


def test_builtin_routine_must_be_a_template():
    assert_rejected(lambda: Routine.objects.create(clinic=None, name="Loose", is_template=False))


@pytest.mark.parametrize(
    "fields",
    [
        {"hold_seconds": 0},
        {"hold_seconds": 601},
        {"repetitions": 0},
        {"repetitions": 51},
        {"sets": 0},
        {"sets": 11},
        {"rest_seconds": 601},
        {"sides": "left"},
    ],
)
def test_routine_step_rejects_out_of_range_prescriptions(clinic, fields):
    routine = factories.make_routine(clinic, steps=0)
    exercise = factories.make_exercise(clinic)
    assert_rejected(
        lambda: RoutineStep.objects.create(routine=routine, exercise=exercise, position=1, **fields)
    )


def test_routine_step_positions_are_unique_among_active_steps(clinic):
    routine = factories.make_routine(clinic, steps=1)
    step = routine.steps.get()
    assert_rejected(
        lambda: RoutineStep.objects.create(routine=routine, exercise=step.exercise, position=1)
    )
    step.archived_at = timezone.now()
    step.save()
    RoutineStep.objects.create(routine=routine, exercise=step.exercise, position=1)


def test_assignment_constraints_reject_bad_schedules(patient, clinic):
    routine = factories.make_routine(clinic, is_template=False)
    today = clinic.today()

    def make(**fields):
        return lambda: Assignment.objects.create(
            patient=patient, routine=routine, **{"starts_on": today, **fields}
        )

    assert_rejected(make(ends_on=today - datetime.timedelta(days=1)))
    assert_rejected(make(weekdays=0))
    assert_rejected(make(weekdays=128))
    assert_rejected(make(sessions_per_day=0))
    assert_rejected(make(sessions_per_day=5))


def test_pause_constraints(assignment):
    today = assignment.patient.clinic.today()
    assert_rejected(
        lambda: AssignmentPause.objects.create(
            assignment=assignment, starts_on=today, ends_on=today - datetime.timedelta(days=1)
        )
    )
    AssignmentPause.objects.create(assignment=assignment, starts_on=today)
    assert_rejected(lambda: AssignmentPause.objects.create(assignment=assignment, starts_on=today))


def test_invitation_constraints(patient):
    now = timezone.now()
    assert_rejected(
        lambda: Invitation.objects.create(
            patient=patient, token_hash="a" * 64, expires_at=now - datetime.timedelta(days=1)
        )
    )
    invitation = Invitation.objects.create(
        patient=patient, token_hash="b" * 64, expires_at=now + datetime.timedelta(days=7)
    )
    assert_rejected(
        lambda: Invitation.objects.create(
            patient=patient, token_hash="b" * 64, expires_at=now + datetime.timedelta(days=7)
        )
    )
    invitation.used_at = invitation.revoked_at = now
    assert_rejected(invitation.save)


def test_session_constraints(assignment):
    now = timezone.now()

    def make(**fields):
        return lambda: Session.objects.create(
            patient=assignment.patient,
            assignment=assignment,
            local_date=now.date(),
            started_at=now,
            **fields,
        )

    assert_rejected(make(pain=11))
    assert_rejected(make(finished_at=now - datetime.timedelta(minutes=1)))
    assert_rejected(make(effort="wild"))


def test_completion_constraints(assignment):
    session = session_start(assignment=assignment)
    step = assignment.routine.steps.first()

    def make(**fields):
        values = {
            "session": session,
            "patient": session.patient,
            "step": step,
            "exercise": step.exercise,
            "status": "done",
            "recorded_at": timezone.now(),
            "exercise_name": step.exercise.name,
            "hold_seconds": step.hold_seconds,
            "repetitions": step.repetitions,
            "sides": step.sides,
        }
        values.update(fields)
        return lambda: Completion.objects.create(**values)

    assert_rejected(make(status="skipped"))  # a skip needs a reason
    assert_rejected(make(status="done", skip_reason="pain"))
    assert_rejected(make(side="top"))
    assert_rejected(make(set_number=0))
    make()()
    assert_rejected(make())  # the same session, step, side and set
    assert Completion.objects.count() == 1


def test_same_completion_sent_twice_is_stored_once(assignment):
    session = session_start(assignment=assignment)
    step = assignment.routine.steps.first()
    client_id = uuid.uuid4()

    first, created_first = completion_record(session=session, step=step, client_id=client_id)
    again, created_again = completion_record(session=session, step=step, client_id=client_id)
    other_id, created_other = completion_record(session=session, step=step, client_id=uuid.uuid4())

    assert (created_first, created_again, created_other) == (True, False, False)
    assert first.pk == again.pk == other_id.pk
    assert Completion.objects.filter(session=session).count() == 1


def test_completion_keeps_what_was_prescribed(assignment):
    step = assignment.routine.steps.first()
    session = session_start(assignment=assignment)
    completion, _ = completion_record(session=session, step=step, client_id=uuid.uuid4())

    step.hold_seconds = 45
    step.save()
    step.exercise.name = "Renamed"
    step.exercise.save()

    completion.refresh_from_db()
    assert completion.hold_seconds == 20
    assert completion.exercise_name != "Renamed"


def test_history_cannot_be_deleted(assignment):
    factories.make_finished_session(assignment)
    step = assignment.routine.steps.first()

    with pytest.raises(ProtectedError):
        step.exercise.delete()
    with pytest.raises(ProtectedError):
        step.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        assignment.routine.delete()
    assert Completion.objects.filter(step=step).exists()


def test_removing_a_done_step_archives_it(assignment):
    from routines.builder.services import routine_step_remove

    factories.make_finished_session(assignment)
    done, *_ = assignment.routine.steps.all()
    fresh = RoutineStep.objects.create(
        routine=assignment.routine, exercise=done.exercise, position=99
    )

    routine_step_remove(step=done)
    routine_step_remove(step=fresh)

    done.refresh_from_db()
    assert done.archived_at is not None
    assert not RoutineStep.objects.filter(pk=fresh.pk).exists()


def test_builtin_library_is_installed():
    names = set(Exercise.objects.filter(clinic=None).values_list("name", flat=True))
    assert names == {
        "Supine lumbar rotation",
        "Knees to chest",
        "Child's pose",
        "Standing forward bend",
    }
    template = Routine.objects.get(clinic=None, name="Daily back care")
    assert template.is_template
    assert [s.exercise.name for s in template.steps.order_by("position")] == [
        "Supine lumbar rotation",
        "Knees to chest",
        "Child's pose",
        "Standing forward bend",
    ]
    rotation = template.steps.get(position=1)
    assert (rotation.sides, rotation.hold_seconds) == ("each", 20)
    assert template.steps.get(position=4).hold_seconds >= 30
