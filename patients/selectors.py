import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from routines.models import RoutineStep

from .adherence import patient_streak
from .models import Assignment, Completion, Patient, Session
from .schedule import assignment_state, sessions_due_on


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


def patient_today(*, patient: Patient) -> list[Assignment]:
    """Today's plans in the clinic's time zone, each with `state`, `due`, `done`, `left` and
    `open_session` (today's unfinished session to continue, if any)."""
    today = patient.clinic.today()
    todays_sessions = Session.objects.filter(local_date=today).order_by("started_at")
    assignments = list(
        patient_running_assignments(patient=patient).prefetch_related(
            "pauses", Prefetch("sessions", queryset=todays_sessions, to_attr="todays_sessions")
        )
    )
    for assignment in assignments:
        assignment.state = assignment_state(assignment, today)
        assignment.due = sessions_due_on(assignment, today)
        assignment.done = sum(1 for s in assignment.todays_sessions if s.is_finished)
        assignment.left = max(assignment.due - assignment.done, 0)
        assignment.open_session = next(
            (s for s in assignment.todays_sessions if not s.is_finished), None
        )
    return assignments


def patient_plan(*, patient: Patient) -> QuerySet[Assignment]:
    """The plans a patient follows now or will soon, with every step's exercise: the handout."""
    today = patient.clinic.today()
    steps = RoutineStep.objects.filter(archived_at__isnull=True).select_related("exercise")
    return (
        patient.assignments.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("routine")
        .prefetch_related(
            "pauses", Prefetch("routine__steps", queryset=steps, to_attr="active_steps")
        )
        .order_by("starts_on", "id")
    )


def patient_session_history(*, patient: Patient) -> QuerySet[Session]:
    """A patient's sessions, newest first, with how many units were done and skipped."""
    return (
        patient.sessions.select_related("assignment__routine")
        .annotate(
            done_count=Count("completions", filter=Q(completions__status=Completion.Status.DONE)),
            skipped_count=Count(
                "completions", filter=Q(completions__status=Completion.Status.SKIPPED)
            ),
        )
        .order_by("-started_at", "-id")
    )


def session_steps(*, session: Session) -> list[RoutineStep]:
    """The session's routine steps in order, each with its exercise."""
    return list(
        RoutineStep.objects.filter(
            routine_id=session.assignment.routine_id, archived_at__isnull=True
        )
        .select_related("exercise")
        .order_by("position", "id")
    )


def session_done_units(*, session: Session) -> set[tuple[int, int, str]]:
    """(step id, set, side) of every unit already done or skipped in the session."""
    return set(session.completions.values_list("step_id", "set_number", "side"))


@dataclass(frozen=True)
class Progress:
    streak: int
    week: list[tuple[datetime.date, int, int]]  # (day, sessions due, sessions finished)

    @property
    def week_done(self) -> int:
        return sum(done for _, _, done in self.week)

    @property
    def week_due(self) -> int:
        return sum(due for _, due, _ in self.week)


def patient_progress(*, patient: Patient) -> Progress:
    """The streak (the adherence rule: scheduled days in a row fully done, back from today;
    today only counts once done) and this week's sessions, Monday to Sunday."""
    today = patient.clinic.today()
    monday = today - datetime.timedelta(days=today.weekday())
    finished = Counter(
        patient.sessions.filter(finished_at__isnull=False, local_date__gte=monday).values_list(
            "local_date", flat=True
        )
    )
    assignments = list(patient.assignments.prefetch_related("pauses"))

    def due_on(day: datetime.date) -> int:
        return sum(sessions_due_on(assignment, day) for assignment in assignments)

    streak = patient_streak(patient=patient)
    week = [
        (day, due_on(day), finished[day])
        for day in (monday + datetime.timedelta(days=n) for n in range(7))
    ]
    return Progress(streak=streak, week=week)


def patients_for_staff(*, member) -> QuerySet[Patient]:
    """A staff member's clinic's patients, archived ones included, with their physiotherapist."""
    return Patient.objects.filter(clinic_id=member.clinic_id).select_related(
        "physiotherapist__user"
    )


def assignments_for_staff(*, member) -> QuerySet[Assignment]:
    """Every plan of the staff member's clinic's patients, with its routine and pauses."""
    return (
        Assignment.objects.filter(patient__clinic_id=member.clinic_id)
        .select_related("routine", "patient")
        .prefetch_related("pauses")
    )


def sessions_for_staff(*, member) -> QuerySet[Session]:
    """Every session of the staff member's clinic's patients, newest first."""
    return (
        Session.objects.filter(patient__clinic_id=member.clinic_id)
        .select_related("assignment__routine")
        .order_by("-started_at", "-id")
    )


def sessions_for_patient(*, user: AbstractBaseUser) -> QuerySet[Session]:
    """The signed-in patient's own sessions (none for anyone else), newest first, ready for
    recording into."""
    return (
        Session.objects.filter(
            patient__user=user, patient__user__is_active=True, patient__archived_at__isnull=True
        )
        .select_related("patient__clinic", "assignment__routine", "assignment__patient__clinic")
        .order_by("-started_at", "-id")
    )
