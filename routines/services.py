from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic

from .models import Routine, RoutineStep

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
