from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import Clinic

from .models import Exercise, Routine, RoutineStep

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
    _ensure_own(step.routine)
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


EXERCISE_FIELDS = (
    "name",
    "body_region",
    "kind",
    "instructions",
    "cues",
    "cautions",
    "default_hold_seconds",
    "default_repetitions",
    "default_sets",
    "default_sides",
    "video_url",
)


def _ensure_own(obj: Exercise | Routine) -> None:
    if obj.clinic_id is None:
        raise PermissionDenied(_("Built-in items are read-only: duplicate them to change them."))


@transaction.atomic
def exercise_create(*, clinic: Clinic, **fields) -> Exercise:
    """Add an exercise to a clinic's own library."""
    exercise = Exercise(clinic=clinic, **fields)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, **fields) -> Exercise:
    """Change a clinic's own exercise; built-ins are read-only. Recorded completions keep the
    name and prescription they were done with."""
    _ensure_own(exercise)
    for name, value in fields.items():
        setattr(exercise, name, value)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def routine_create(
    *,
    clinic: Clinic,
    name: str,
    goal: str = "",
    is_template: bool = False,
    created_by: AbstractBaseUser | None = None,
) -> Routine:
    routine = Routine(
        clinic=clinic, name=name, goal=goal, is_template=is_template, created_by=created_by
    )
    routine.full_clean()
    routine.save()
    return routine


@transaction.atomic
def routine_update(*, routine: Routine, **fields) -> Routine:
    """Rename a routine or change its goal; built-in templates are read-only."""
    _ensure_own(routine)
    for name, value in fields.items():
        setattr(routine, name, value)
    routine.full_clean()
    routine.save()
    return routine


def _check_exercise_usable(routine: Routine, exercise: Exercise) -> None:
    if exercise.clinic_id not in (None, routine.clinic_id) or exercise.archived_at is not None:
        raise ValidationError({"exercise": _("Choose an exercise from your library.")})


@transaction.atomic
def routine_step_add(*, routine: Routine, exercise: Exercise, **fields) -> RoutineStep:
    """Append a step (or insert it at `position`, moving later steps down)."""
    _ensure_own(routine)
    Routine.objects.select_for_update().filter(id=routine.id).first()
    _check_exercise_usable(routine, exercise)
    active = routine.steps.filter(archived_at__isnull=True)
    last = max(active.values_list("position", flat=True), default=0)
    position = fields.pop("position", None) or last + 1
    position = min(position, last + 1)
    for step in active.filter(position__gte=position).order_by("-position"):
        step.position += 1
        step.save(update_fields=["position"])
    step = RoutineStep(routine=routine, exercise=exercise, position=position, **fields)
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def routine_step_update(*, step: RoutineStep, **fields) -> RoutineStep:
    """Change a step's prescription or exercise. Completions keep what was prescribed then."""
    _ensure_own(step.routine)
    if "exercise" in fields:
        _check_exercise_usable(step.routine, fields["exercise"])
    for name, value in fields.items():
        setattr(step, name, value)
    step.full_clean()
    step.save()
    return step
