"""Reads for the routine builder: the routines a clinic may see, and one with its steps."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from clinic.models import Clinic
from routines.models import Routine, RoutineStep


def _assignments():
    """Patients' plans (patients.Assignment), reached through the relation that Assignment
    declares to Routine: a routine that is a patient's own copy has one. The routines app
    never imports patients (imports run patients -> routines -> clinic)."""
    return Routine._meta.get_field("assignments").related_model.objects


def routines_for_clinic(*, clinic: Clinic) -> QuerySet[Routine]:
    """Templates (the clinic's and built-in) and the clinic's drafts, without patients' copies."""
    is_patient_copy = Exists(_assignments().filter(routine=OuterRef("pk")))
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
    assignments = _assignments().select_related("patient")
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
