"""Reads for the staff workspace: the library and routines a clinic may see."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from clinic.models import Clinic

from .models import Exercise, Routine, RoutineStep

BUILTIN = "builtin"
OWN = "own"


def exercises_for_clinic(
    *, clinic: Clinic, q: str = "", body_region: str = "", source: str = ""
) -> QuerySet[Exercise]:
    """Active built-in exercises and the clinic's own, searched by name and filtered."""
    exercises = Exercise.objects.filter(
        Q(clinic=clinic) | Q(clinic__isnull=True), archived_at__isnull=True
    )
    if q:
        exercises = exercises.filter(name__icontains=q)
    if body_region:
        exercises = exercises.filter(body_region=body_region)
    if source == BUILTIN:
        exercises = exercises.filter(clinic__isnull=True)
    elif source == OWN:
        exercises = exercises.filter(clinic=clinic)
    return exercises.order_by("name", "id")


def routines_for_clinic(*, clinic: Clinic) -> QuerySet[Routine]:
    """Templates (the clinic's and built-in) and the clinic's drafts, without patients' copies."""
    from patients.models import Assignment

    is_patient_copy = Exists(Assignment.objects.filter(routine=OuterRef("pk")))
    return (
        Routine.objects.filter(Q(clinic=clinic) | Q(clinic__isnull=True), archived_at__isnull=True)
        .annotate(is_patient_copy=is_patient_copy)
        .filter(is_patient_copy=False)
        .select_related("clinic")
        .order_by("-is_template", "name", "id")
    )


def active_steps(routine: Routine) -> QuerySet[RoutineStep]:
    return routine.steps.filter(archived_at__isnull=True).select_related("exercise")


def routine_for_builder(routine_id: int, *, clinic: Clinic) -> Routine | None:
    """A routine the clinic may see, with its active steps (and the patient it belongs to)."""
    from patients.models import Assignment

    assignments = Assignment.objects.select_related("patient")
    return (
        Routine.objects.filter(Q(clinic=clinic) | Q(clinic__isnull=True), archived_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=RoutineStep.objects.filter(archived_at__isnull=True).select_related(
                    "exercise"
                ),
                to_attr="active_steps",
            ),
            Prefetch("assignments", queryset=assignments, to_attr="patient_assignments"),
        )
        .filter(id=routine_id)
        .first()
    )
