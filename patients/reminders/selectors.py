"""Reads for reminders: the delivery log and what the calendar feed lists."""

import datetime

from django.db.models import Prefetch, QuerySet

from patients.models import Assignment, AssignmentPause, Patient
from patients.plans.schedule import sessions_due_on

from .models import Delivery

LOG_SIZE = 20


def delivery_log(*, patient: Patient, limit: int = LOG_SIZE) -> list[Delivery]:
    """The patient's latest reminders, newest first (the patient page and the API)."""
    return list(
        Delivery.objects.filter(patient=patient)
        .select_related("requested_by")
        .order_by("-due_at", "-id")[:limit]
    )


def deliveries_for_clinic(*, clinic_id: int) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(patient__clinic_id=clinic_id)
        .select_related("patient", "requested_by")
        .order_by("-due_at", "-id")
    )


def scheduled_days(
    *, patient: Patient, start: datetime.date, days: int
) -> list[tuple[datetime.date, Assignment, int]]:
    """Every (clinic day, plan, sessions) the patient's plans schedule from `start` on,
    pauses and ends taken into account: what the calendar feed shows."""
    plans = list(
        Assignment.objects.filter(patient=patient)
        .exclude(ends_on__lt=start)
        .select_related("routine")
        .prefetch_related(Prefetch("pauses", queryset=AssignmentPause.objects.all()))
        .order_by("starts_on", "id")
    )
    found = []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        for plan in plans:
            count = sessions_due_on(plan, day)
            if count:
                found.append((day, plan, count))
    return found
