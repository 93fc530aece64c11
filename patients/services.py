import datetime
import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.signin import user_sign_out_everywhere
from routines.models import Routine, RoutineStep
from routines.services import routine_copy

from .models import ALL_WEEKDAYS, Assignment, Completion, Patient, Session


@transaction.atomic
def assignment_create(
    *,
    patient: Patient,
    routine: Routine,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    weekdays: int = ALL_WEEKDAYS,
    sessions_per_day: int = 1,
    created_by: AbstractBaseUser | None = None,
) -> Assignment:
    """Put a patient on a routine. The patient always gets their own copy of it."""
    own_copy = routine_copy(
        routine=routine, clinic=patient.clinic, is_template=False, created_by=created_by
    )
    assignment = Assignment(
        patient=patient,
        routine=own_copy,
        starts_on=starts_on,
        ends_on=ends_on,
        weekdays=weekdays,
        sessions_per_day=sessions_per_day,
        created_by=created_by,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def session_start(
    *, assignment: Assignment, started_at: datetime.datetime | None = None
) -> Session:
    """Open a session, counted on the clinic-local date it starts."""
    started_at = started_at or timezone.now()
    clinic = assignment.patient.clinic
    return Session.objects.create(
        patient=assignment.patient,
        assignment=assignment,
        started_at=started_at,
        local_date=timezone.localdate(started_at, timezone=clinic.zone),
    )


@transaction.atomic
def completion_record(
    *,
    session: Session,
    step: RoutineStep,
    client_id: uuid.UUID,
    side: str = Completion.Side.BOTH,
    set_number: int = 1,
    status: str = Completion.Status.DONE,
    skip_reason: str = "",
    recorded_at: datetime.datetime | None = None,
) -> tuple[Completion, bool]:
    """Record one finished side of one set of a step, keeping what was prescribed.

    Sending the same client_id again returns the first record, as does a second report of
    the same session, step, side and set: nothing is ever stored twice. Returns the
    completion and whether it was created now.
    """
    same = Completion.objects.filter(
        Q(client_id=client_id) | Q(session=session, step=step, side=side, set_number=set_number)
    )
    existing = same.first()
    if existing is not None:
        return existing, False
    if step.routine_id != session.assignment.routine_id:
        raise ValidationError({"step": _("This step is not part of this session's routine.")})
    completion = Completion(
        client_id=client_id,
        session=session,
        patient_id=session.patient_id,
        step=step,
        exercise_id=step.exercise_id,
        side=side,
        set_number=set_number,
        status=status,
        skip_reason=skip_reason,
        recorded_at=recorded_at or timezone.now(),
        exercise_name=step.exercise.name,
        hold_seconds=step.hold_seconds,
        repetitions=step.repetitions,
        sides=step.sides,
    )
    completion.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint, so losing a race to a concurrent retry leaves the transaction usable.
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        existing = same.first()
        if existing is None:
            raise
        return existing, False
    return completion, True


@transaction.atomic
def session_finish(
    *,
    session: Session,
    pain: int | None,
    effort: str = "",
    note: str = "",
    finished_at: datetime.datetime | None = None,
) -> Session:
    """Close a session with the patient's report; a pain of 7 or more flags it for staff."""
    if session.is_finished:
        raise ValidationError(_("This session is already finished."))
    session.finished_at = finished_at or timezone.now()
    session.pain = pain
    session.effort = effort
    session.note = note
    session.flagged = pain is not None and pain >= 7
    session.full_clean()
    session.save()
    return session


def patient_sign_out_everywhere(*, patient: Patient) -> None:
    """End the patient's sessions on every device (a lost phone, a shared computer).

    The caller records it in the audit trail (it has the request): see clinic.audit.
    """
    if patient.user_id is not None:
        user_sign_out_everywhere(user=patient.user)
