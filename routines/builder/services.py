"""Writes on routines and their steps: creating, copying (templates, patients' own copies),
editing the prescription, moving and removing steps."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Clinic
from routines.models import Exercise, Routine, RoutineStep, Sides

STEP_COPY_FIELDS = (
    "exercise_id",
    "position",
    "hold_seconds",
    "repetitions",
    "sets",
    "sides",
    "rest_seconds",
    "note",
)


@transaction.atomic
def routine_copy(
    *,
    routine: Routine,
    clinic: Clinic,
    is_template: bool,
    name: str | None = None,
    created_by: AbstractBaseUser | None = None,
) -> Routine:
    """Copy a routine and its current steps into `clinic`.

    Used to duplicate a template and to give a patient their own copy, so that later edits
    to the original never change a running plan.
    """
    copy = Routine(
        clinic=clinic,
        name=name or routine.name,
        goal=routine.goal,
        is_template=is_template,
        copied_from=routine,
        created_by=created_by,
    )
    copy.full_clean()
    copy.save()
    RoutineStep.objects.bulk_create(
        RoutineStep(routine=copy, **{field: getattr(step, field) for field in STEP_COPY_FIELDS})
        for step in routine.steps.filter(archived_at__isnull=True)
    )
    return copy


@transaction.atomic
def routine_step_remove(*, step: RoutineStep) -> None:
    """Take a step out of its routine; one that was ever done is archived, not deleted."""
    if step.completions.exists():
        step.archived_at = timezone.now()
        step.save(update_fields=["archived_at"])
    else:
        step.delete()


@transaction.atomic
def routine_archive(*, routine: Routine) -> Routine:
    routine.archived_at = timezone.now()
    routine.save(update_fields=["archived_at", "updated_at"])
    return routine


def _tell_patients(routine: Routine, summary: str) -> None:
    """Record on each plan running this routine what changed, for the patient's next visit.

    Changes pile up (the last ten) until the patient has seen them.
    """
    now = timezone.now()
    for assignment in routine.assignments.all():
        earlier = assignment.change_summary.splitlines() if assignment.has_unseen_change else []
        assignment.change_summary = "\n".join([*earlier, summary][-10:])
        assignment.changed_at = now
        assignment.save(update_fields=["change_summary", "changed_at"])


@transaction.atomic
def routine_create(
    *, clinic: Clinic, name: str, goal: str = "", created_by: AbstractBaseUser | None = None
) -> Routine:
    routine = Routine(clinic=clinic, name=name, goal=goal, created_by=created_by)
    routine.full_clean()
    routine.save()
    return routine


@transaction.atomic
def routine_update(*, routine: Routine, name: str, goal: str = "") -> Routine:
    changed = routine.name != name or routine.goal != goal
    routine.name = name
    routine.goal = goal
    routine.full_clean()
    routine.save()
    if changed:
        _tell_patients(routine, _("The name or goal of your plan changed."))
    return routine


def _next_position(routine: Routine) -> int:
    last = routine.steps.filter(archived_at__isnull=True).aggregate(Max("position"))
    return (last["position__max"] or 0) + 1


@transaction.atomic
def routine_step_add(*, routine: Routine, exercise: Exercise) -> RoutineStep:
    """Append a step with the exercise's default prescription."""
    if exercise.clinic_id not in (None, routine.clinic_id):
        raise ValidationError({"exercise": _("This exercise is not in your library.")})
    step = RoutineStep(
        routine=routine,
        exercise=exercise,
        position=_next_position(routine),
        hold_seconds=exercise.default_hold_seconds,
        repetitions=exercise.default_repetitions,
        sets=exercise.default_sets,
        sides=exercise.default_sides,
    )
    step.full_clean()
    step.save()
    Routine.objects.filter(id=routine.id).update(updated_at=timezone.now())
    _tell_patients(routine, _("Added: %(name)s.") % {"name": exercise.name})
    return step


STEP_PRESCRIPTION_FIELDS = ("hold_seconds", "repetitions", "sets", "sides", "rest_seconds", "note")


@transaction.atomic
def routine_step_update(*, step: RoutineStep, **prescription) -> RoutineStep:
    """Change a step's prescription (hold, repetitions, sets, sides, rest, note)."""
    changed = []
    for name, value in prescription.items():
        if name not in STEP_PRESCRIPTION_FIELDS:
            raise TypeError(f"unexpected field {name}")
        if getattr(step, name) != value:
            changed.append(name)
            setattr(step, name, value)
    step.full_clean()
    step.save()
    if changed:
        _tell_patients(
            step.routine,
            _("%(name)s: now %(prescription)s.")
            % {"name": step.exercise.name, "prescription": prescription_text(step)},
        )
    return step


def prescription_text(step: RoutineStep) -> str:
    parts = [_("hold %(seconds)s s") % {"seconds": step.hold_seconds}]
    if step.sides == Sides.EACH:
        parts.append(_("each side"))
    parts.append(_("%(n)s × %(sets)s sets") % {"n": step.repetitions, "sets": step.sets})
    parts.append(_("rest %(seconds)s s") % {"seconds": step.rest_seconds})
    return ", ".join(str(part) for part in parts)


@transaction.atomic
def routine_step_move(*, step: RoutineStep, offset: int) -> RoutineStep:
    """Swap a step with its neighbour above (offset -1) or below (+1); at an end, nothing moves."""
    siblings = list(
        step.routine.steps.filter(archived_at__isnull=True)
        .select_for_update()
        .order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.id == step.id)
    other_index = index + offset
    if offset not in (-1, 1) or not 0 <= other_index < len(siblings):
        return step
    other = siblings[other_index]
    mine, theirs = siblings[index].position, other.position
    # Positions are unique among active steps: park this step past the end while swapping.
    RoutineStep.objects.filter(id=step.id).update(position=siblings[-1].position + 1)
    RoutineStep.objects.filter(id=other.id).update(position=mine)
    RoutineStep.objects.filter(id=step.id).update(position=theirs)
    step.position = theirs
    _tell_patients(step.routine, _("The order of the exercises changed."))
    return step


@transaction.atomic
def routine_step_take_out(*, step: RoutineStep) -> None:
    """Remove a step from its routine (archived if ever done) and tell the patient."""
    routine, name = step.routine, step.exercise.name
    routine_step_remove(step=step)
    _tell_patients(routine, _("Removed: %(name)s.") % {"name": name})
