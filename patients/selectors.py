from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from routines.models import RoutineStep

from .models import Assignment, Patient


def patient_of_user(user: AbstractBaseUser) -> Patient | None:
    """The signed-in user's own patient record, if they are an active patient."""
    return (
        Patient.objects.select_related("clinic")
        .filter(user=user, user__is_active=True, archived_at__isnull=True)
        .first()
    )


def patient_running_assignments(*, patient: Patient) -> QuerySet[Assignment]:
    """The patient's assignments that have started and not ended, in the clinic's today."""
    today = patient.clinic.today()
    steps = RoutineStep.objects.filter(archived_at__isnull=True).select_related("exercise")
    return (
        patient.assignments.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("routine")
        .prefetch_related(Prefetch("routine__steps", queryset=steps, to_attr="active_steps"))
    )
