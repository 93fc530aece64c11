"""Reads for the plans: every plan of a staff member's clinic."""

from django.db.models import QuerySet

from patients.models import Assignment


def assignments_for_staff(*, member) -> QuerySet[Assignment]:
    """Every plan of the staff member's clinic's patients, with its routine and pauses."""
    return (
        Assignment.objects.filter(patient__clinic_id=member.clinic_id)
        .select_related("routine", "patient")
        .prefetch_related("pauses")
    )
