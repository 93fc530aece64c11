"""Reads for the library: the exercises a clinic may see."""

from django.db.models import Q, QuerySet

from clinic.models import Clinic
from routines.models import Exercise

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
