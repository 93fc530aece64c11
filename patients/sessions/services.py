"""Writes of a session: starting it, recording each completion, finishing it."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic import sql
from patients.models import PAIN_MAX, Assignment, Completion, Session
from patients.plans.progression import step_in_force
from patients.plans.schedule import assignment_state
from patients.review.summaries import summary_touch
from routines.models import RoutineStep

# A pain this high at the end of a session flags it and asks the patient to call the clinic.
PAIN_FLAG = 7


STEP_NOT_IN_ROUTINE = gettext_lazy("This step is not part of this session's routine.")


# What a resent completion must repeat to be "the same": its idempotency key is its client_id.
COMPLETION_KEY_FIELDS = ("step_id", "side", "set_number", "status", "skip_reason")


class CompletionConflict(Exception):
    """The client_id (idempotency key) was already used for a different completion."""


class SessionAlreadyFinished(ValidationError):
    """Someone (most often the same patient, a tap earlier) already finished the session.

    A ValidationError, so a page shows it like any refusal; the API answers it with 409."""

    def __init__(self) -> None:
        super().__init__(_("This session is already finished."), code="already_finished")


def _ensure_assignment_running(
    assignment: Assignment,
    moment: datetime.datetime,
    *,
    paused_by_day: dict[datetime.date, bool] | None = None,
) -> None:
    """Refuse work on a plan that is paused, ended or not yet started on the clinic-local date
    of `moment` (now, unless a record is written for an earlier time). `paused_by_day`: days
    on which the database was already asked whether a pause covers the plan."""
    day = timezone.localdate(moment, timezone=assignment.patient.clinic.zone)
    paused = paused_by_day.get(day) if paused_by_day else None
    state = assignment_state(assignment, day, paused=paused)
    if state != "running":
        messages = {
            "paused": _("This plan is paused. Your physiotherapist will tell you when to resume."),
            "ended": _("This plan has ended. Ask your physiotherapist about what comes next."),
            "upcoming": _("This plan has not started yet."),
        }
        raise ValidationError({"assignment": messages[state]})


@transaction.atomic
def session_start(
    *, assignment: Assignment, started_at: datetime.datetime | None = None
) -> Session:
    """Open a session, counted on the clinic-local date it starts. Refused on a paused or
    ended plan, and on a plan with no active step."""
    started_at = started_at or timezone.now()
    _ensure_assignment_running(assignment, started_at)
    if not assignment.routine.steps.filter(archived_at__isnull=True).exists():
        # Nothing to do: the patient would see "0 of 0 done" and be asked how it went.
        raise ValidationError(
            {"assignment": _("This plan has no exercises yet. Ask your physiotherapist.")}
        )
    clinic = assignment.patient.clinic
    return Session.objects.create(
        patient=assignment.patient,
        assignment=assignment,
        started_at=started_at,
        local_date=timezone.localdate(started_at, timezone=clinic.zone),
    )


def _clamp(
    moment: datetime.datetime | None, earliest: datetime.datetime, latest: datetime.datetime
) -> datetime.datetime:
    if moment is None:
        return latest
    return min(max(moment, earliest), latest)


@transaction.atomic
def session_open_or_start(*, assignment: Assignment) -> tuple[Session, bool]:
    """Today's unfinished session of a plan to continue, or a new one. Returns the session and
    whether it was started now."""
    Assignment.objects.select_for_update().filter(id=assignment.id).first()
    open_session = assignment.sessions.filter(
        local_date=assignment.patient.clinic.today(), finished_at__isnull=True
    ).first()
    if open_session is not None:
        return open_session, False
    return session_start(assignment=assignment), True


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
    the same session, step, side and set: nothing is ever stored twice. Refused, with a
    message per field, for a step outside the session's routine, a side or set the step
    does not have, a skip without a reason, a finished session, or a paused or ended plan.
    Returns the completion and whether it was created now.

    A new record, the usual case, costs one INSERT and no transaction of its own: what is
    stored is looked up only once the new record is refused, by a rule here or by a unique
    constraint. A session from selectors.patient_session already knows whether its
    plan is paused today.

    What is copied is the prescription in force this week (patients.plans.progression), so
    a later progression never rewrites history; a step loaded with
    select_related("progression") and no rule costs nothing more.
    """
    step = step_in_force(assignment=session.assignment, step=step, day=session.local_date)
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
        exercise_name=step.exercise.name,
        hold_seconds=step.hold_seconds,
        repetitions=step.repetitions,
        sides=step.sides,
    )
    try:
        _completion_validate(completion, recorded_at=recorded_at)
        _insert_one(completion)
    except (ValidationError, IntegrityError):
        # A resend is answered with what is stored, even once the session is finished or
        # the plan paused; so is a concurrent twin that got there first.
        stored = _completion_stored_as(completion)
        if stored is None:
            raise
        return stored, False
    return completion, True


def _completion_validate(completion: Completion, *, recorded_at: datetime.datetime | None) -> None:
    """Check a new completion against its session and step, and set when it was done."""
    session, step = completion.session, completion.step
    if session.is_finished:
        raise ValidationError(_("This session is already finished."))
    if step.routine_id != session.assignment.routine_id or step.archived_at is not None:
        raise ValidationError({"step": STEP_NOT_IN_ROUTINE})
    if completion.side not in step.side_names:
        raise ValidationError({"side": _("This step has no such side.")})
    if not 1 <= completion.set_number <= step.sets:
        raise ValidationError({"set_number": _("This step has no such set.")})
    if completion.status == Completion.Status.SKIPPED and not completion.skip_reason:
        raise ValidationError({"skip_reason": _("Tell us why you are skipping this step.")})
    if completion.status == Completion.Status.DONE and completion.skip_reason:
        raise ValidationError({"skip_reason": _("Only a skipped step has a reason.")})
    # A device sends the time it was done (it may have been offline); a wrong clock must not
    # put it before the session started or in the future.
    completion.recorded_at = _clamp(recorded_at, session.started_at, timezone.now())
    _ensure_assignment_running(
        session.assignment,
        completion.recorded_at,
        paused_by_day=getattr(session, "paused_by_day", None),
    )
    # The related rows were loaded above: skip full_clean's four look-ups that they exist.
    completion.full_clean(
        exclude=["session", "patient", "step", "exercise"],
        validate_unique=False,
        validate_constraints=False,
    )


def _completion_stored_as(completion: Completion) -> Completion | None:
    """What is stored under the completion's client_id, or for its session, step, side and
    set, if anything. Refused if it is another session's record; a conflict if the
    client_id came back with a different body."""
    existing = Completion.objects.filter(
        Q(client_id=completion.client_id)
        | Q(
            session_id=completion.session_id,
            step_id=completion.step_id,
            side=completion.side,
            set_number=completion.set_number,
        )
    ).first()
    if existing is None:
        return None
    if existing.session_id != completion.session_id:
        raise ValidationError({"client_id": _("This id belongs to another record.")})
    if existing.client_id == completion.client_id and any(
        getattr(existing, field) != getattr(completion, field) for field in COMPLETION_KEY_FIELDS
    ):
        raise CompletionConflict(_("This id was already used for a different record."))
    return existing


def _insert_one(instance: Model) -> None:
    """INSERT one new row; IntegrityError if a constraint refuses it. On its own the INSERT
    is its own transaction, so a refusal leaves nothing to undo; inside a caller's
    transaction a savepoint keeps that transaction usable after one. A plain INSERT
    (clinic.sql): a completion is the write patients make most, and Completion has no save()
    or signal of its own to miss."""
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            sql.insert(instance)
    else:
        sql.insert(instance)


def session_missing_sets(*, session: Session) -> list[tuple[RoutineStep, int, str]]:
    """The (step, set, side) of the session's active steps that have no completion yet."""
    recorded = set(session.completions.values_list("step_id", "set_number", "side"))
    steps = RoutineStep.objects.filter(
        routine_id=session.assignment.routine_id, archived_at__isnull=True
    )
    return [
        (step, set_number, side)
        for step in steps
        for set_number in range(1, step.sets + 1)
        for side in step.side_names
        if (step.id, set_number, side) not in recorded
    ]


@transaction.atomic
def session_finish(
    *,
    session: Session,
    pain: int | None,
    effort: str = "",
    note: str = "",
    finished_at: datetime.datetime | None = None,
) -> Session:
    """Close a session with the patient's report; a pain of 7 or more flags it for staff.

    Only a complete session can be finished: every side of every set of every active step
    done or skipped (with a reason). So "finished" is what adherence counts as completed,
    decided once with the routine as it was, and later edits to the plan never rewrite it.
    """
    if session.is_finished:
        raise SessionAlreadyFinished
    if pain is not None and not 0 <= pain <= PAIN_MAX:
        raise ValidationError({"pain": _("Choose a pain score from 0 to 10.")})
    if session_missing_sets(session=session):
        raise ValidationError(_("Do or skip every step before finishing the session."))
    finished_at = finished_at or timezone.now()
    _ensure_assignment_running(
        session.assignment, finished_at, paused_by_day=getattr(session, "paused_by_day", None)
    )
    report = {
        "finished_at": finished_at,
        "pain": pain,
        "effort": effort,
        "note": note,
        "flagged": pain is not None and pain >= PAIN_FLAG,
    }
    for field, value in report.items():
        setattr(session, field, value)
    session.full_clean()
    # Exactly one finish wins: the UPDATE only matches while the row is still open, so of
    # two finishes sent at once (a double tap, two devices) the second changes nothing and
    # is told so, instead of overwriting the first report with its own pain and flag.
    won = Session.objects.filter(pk=session.pk, finished_at__isnull=True).update(**report)
    if not won:
        session.refresh_from_db()
        raise SessionAlreadyFinished
    # A queryset update sends no signal: the staff home page's figures are told here.
    summary_touch(patient_id=session.patient_id)
    return session
