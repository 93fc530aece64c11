"""Reads for progression rules: which steps a staff member may give a rule."""

from django.db.models import QuerySet

from clinic.models import Clinic
from routines.builder.selectors import routines_for_clinic
from routines.models import RoutineStep


def steps_for_clinic(*, clinic: Clinic) -> QuerySet[RoutineStep]:
    """Active steps of the clinic's templates and drafts and of the built-ins (read-only),
    as the steps API has them: patients' own copies are left out of the API, since they
    are patient data (the builder's audited page changes a plan's rule)."""
    return RoutineStep.objects.filter(
        routine__in=routines_for_clinic(clinic=clinic), archived_at__isnull=True
    ).select_related("routine", "exercise", "progression")
