from django.db.models import Prefetch, Q, QuerySet

from clinic.models import StaffMember

from .models import Exercise, Routine, RoutineStep


def exercises_for_staff(*, member: StaffMember) -> QuerySet[Exercise]:
    """The library a staff member sees: the built-ins and their clinic's own, archived too."""
    return Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=member.clinic_id))


def routines_for_staff(*, member: StaffMember) -> QuerySet[Routine]:
    """The built-in templates and every routine of the staff member's clinic, with active steps."""
    steps = RoutineStep.objects.filter(archived_at__isnull=True).select_related("exercise")
    return Routine.objects.filter(
        Q(clinic__isnull=True) | Q(clinic_id=member.clinic_id)
    ).prefetch_related(Prefetch("steps", queryset=steps, to_attr="active_steps"))


def routine_steps_for_staff(*, member: StaffMember, routine_id: int) -> QuerySet[RoutineStep]:
    """The active steps of one routine the staff member can see, in order."""
    return (
        RoutineStep.objects.filter(routine_id=routine_id, archived_at__isnull=True)
        .filter(Q(routine__clinic__isnull=True) | Q(routine__clinic_id=member.clinic_id))
        .select_related("exercise", "routine")
        .order_by("position", "id")
    )
