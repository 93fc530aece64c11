"""Reads for the routine builder: the routines a clinic may see, and one with its steps."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from clinic.models import Clinic
from routines.languages import contains_in_any_language, in_reading_order
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


ROUTINE_STATUSES = ("template", "plan", "draft")


def routine_list_for_clinic(*, clinic: Clinic, q: str = "", status: str = "") -> QuerySet[Routine]:
    """Every routine the clinic's staff may open, each with its status (a template, a
    patient's plan, or a draft), its number of active steps and, for a plan, its patient;
    filtered by status and by a search of the name or the patient's name. One query."""
    plans = _assignments().filter(routine=OuterRef("pk"))
    routines = (
        Routine.objects.filter(Q(clinic=clinic) | Q(clinic__isnull=True), archived_at__isnull=True)
        .annotate(
            step_count=Count("steps", filter=Q(steps__archived_at__isnull=True)),
            plan_patient_id=Subquery(plans.values("patient_id")[:1]),
            plan_first_name=Subquery(plans.values("patient__first_name")[:1]),
            plan_last_name=Subquery(plans.values("patient__last_name")[:1]),
            plan_ends_on=Subquery(plans.values("ends_on")[:1]),
        )
        .select_related("clinic")
    )
    if status == "template":
        routines = routines.filter(is_template=True)
    elif status == "plan":
        routines = routines.filter(plan_patient_id__isnull=False)
    elif status == "draft":
        routines = routines.filter(is_template=False, plan_patient_id__isnull=True)
    if q:
        by_patient = (
            _assignments()
            .filter(routine=OuterRef("pk"))
            .filter(Q(patient__first_name__icontains=q) | Q(patient__last_name__icontains=q))
        )
        routines = routines.filter(
            contains_in_any_language(("name", "goal"), q) | Exists(by_patient)
        )
    return routines.order_by(in_reading_order("name"), "plan_last_name", "id")
