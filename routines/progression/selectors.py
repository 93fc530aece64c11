"""Reads for progression rules: which steps a staff member may give a rule."""

from django.db.models import Q, QuerySet

from clinic.models import Clinic
from routines.models import RoutineStep


def steps_for_clinic(*, clinic: Clinic) -> QuerySet[RoutineStep]:
    """Active steps of the clinic's routines (templates, drafts and patients' own copies,
    so a plan's step can be frozen or set by hand) and of the built-ins (read-only)."""
    return RoutineStep.objects.filter(
        Q(routine__clinic=clinic) | Q(routine__clinic__isnull=True),
        archived_at__isnull=True,
        routine__archived_at__isnull=True,
    ).select_related("routine", "exercise", "progression")
