"""Reads for the patient's own pages (Today, plan, history, the player) and the staff's
read of sessions."""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet

from clinic import sql
from patients.models import Assignment, Completion, Patient, Session
from patients.plans.progression import apply_prescriptions
from patients.plans.schedule import assignment_state, sessions_due_on
from patients.review.adherence import patient_streak
from routines.languages import column, columns, content_languages, in_reading_language
from routines.models import Exercise, Routine, RoutineStep
from routines.progression.models import ProgressionRule

# "A pause covers the day", schedule.is_paused_on's rule, in SQL for the two reads below that
# every patient makes most and that skip the ORM's compiler. `{assignment}` is the outer
# query's assignment id column; the day is bound twice.
_PAUSED_SQL = (
    "EXISTS (SELECT 1 FROM patients_assignmentpause pause"
    " WHERE pause.assignment_id = {assignment}"
    " AND pause.starts_on <= %s AND (pause.ends_on IS NULL OR pause.ends_on >= %s))"
)


# The Today page is what every patient opens, often several times a day. In one plain SQL
# statement its plans cost about a tenth of the CPU the ORM spends compiling the same query
# with its four subqueries (clinic/benchmark/notes.md). The rules are the ones the rest of
# Limber applies through the ORM and patients.plans.schedule: a plan runs from starts_on to
# ends_on; a pause covers its first and last day and an open one runs on; only active
# steps count; a session is done once finished.
_TODAY_SQL = """
    SELECT a.*, {routine_texts},
        {paused} AS paused_today,
        (
            SELECT COUNT(*) FROM routines_routinestep s
            WHERE s.routine_id = a.routine_id AND s.archived_at IS NULL
        ) AS step_count,
        EXISTS (
            SELECT 1 FROM progression_progressionrule pr
            JOIN routines_routinestep ps ON ps.id = pr.step_id
            WHERE ps.routine_id = a.routine_id AND ps.archived_at IS NULL
        ) AS has_progression,
        (
            SELECT COUNT(*) FROM patients_session s
            WHERE s.assignment_id = a.id AND s.local_date = %s AND s.finished_at IS NOT NULL
        ) AS done,
        (
            SELECT s.id FROM patients_session s
            WHERE s.assignment_id = a.id AND s.local_date = %s AND s.finished_at IS NULL
            ORDER BY s.started_at, s.id LIMIT 1
        ) AS open_session_id,
        EXISTS (
            SELECT 1 FROM outcomes_schedule q WHERE q.assignment_id = a.id
        ) AS asks_questionnaires
    FROM patients_assignment a
    JOIN routines_routine r ON r.id = a.routine_id
    WHERE a.patient_id = %s AND a.starts_on <= %s AND (a.ends_on IS NULL OR a.ends_on >= %s)
    ORDER BY a.starts_on, a.id
""".format(  # noqa: S608 - constants only
    paused=_PAUSED_SQL.format(assignment="a.id"),
    # Every language's name and goal (django-modeltranslation's columns): the reader's is
    # picked, with the same fallback as `routine.name` (routines.languages).
    routine_texts=", ".join(
        f"r.{column} AS routine_{column}" for field in ("name", "goal") for column in columns(field)
    ),
)


def patient_today(*, patient: Patient) -> list[Assignment]:
    """Today's plans in the clinic's time zone, each with `routine_name`, `routine_goal`,
    `state`, `due`, `done` (split in `done_of_due` and the `extra` beyond them), `left`,
    `step_count`, `open_session_id` (today's unfinished session to continue, if any),
    `asks_questionnaires` (the plan asks for outcome questionnaires: patients.outcomes reads
    which are due only then) and `progression_lines` (what grew this week). One query; the
    routine itself is not loaded, unless a step has a progression rule."""
    today = patient.clinic.today()
    params = [today, today, today, today, patient.pk, today, today]
    assignments = list(Assignment.objects.raw(_TODAY_SQL, params))
    for assignment in assignments:
        for field in ("name", "goal"):
            texts = {
                code: getattr(assignment, f"routine_{column(field, code)}")
                for code in content_languages()
            }
            setattr(assignment, f"routine_{field}", in_reading_language(texts))
        paused = bool(assignment.paused_today)
        assignment.state = assignment_state(assignment, today, paused=paused)
        assignment.due = sessions_due_on(assignment, today, paused=paused)
        assignment.left = max(assignment.due - assignment.done, 0)
        # "1 of 1 done · 1 extra": sessions beyond those due are counted apart.
        assignment.extra = max(assignment.done - assignment.due, 0)
        assignment.done_of_due = min(assignment.done, assignment.due)
        assignment.progression_lines = []
        if assignment.has_progression and assignment.state == "running":
            assignment.patient = patient
            steps = list(
                RoutineStep.objects.filter(
                    routine_id=assignment.routine_id, archived_at__isnull=True
                )
                .select_related("exercise", "progression")
                .order_by("position", "id")
            )
            assignment.progression_lines = apply_prescriptions(
                assignment=assignment, steps=steps, today=today
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


@functools.cache
def _steps_sql(where: str) -> str:
    return (
        f"SELECT {sql.columns(RoutineStep, 's')}, {sql.columns(Exercise, 'e')},"  # noqa: S608 - constants only
        f" {sql.columns(ProgressionRule, 'pr')}"
        " FROM routines_routinestep s JOIN routines_exercise e ON e.id = s.exercise_id"
        " LEFT JOIN progression_progressionrule pr ON pr.step_id = s.id"
        f" WHERE {where} ORDER BY s.position, s.id"
    )


def _steps(where: str, params) -> list[RoutineStep]:
    """Steps each with its exercise and its progression rule (or None), as
    select_related("exercise", "progression") gives them, through a cursor (clinic.sql)."""
    with connection.cursor() as cursor:
        cursor.execute(_steps_sql(where), params)
        rows = cursor.fetchall()
    step_width, exercise_width = sql.width(RoutineStep), sql.width(Exercise)
    steps = []
    for row in rows:
        step = sql.from_row(RoutineStep, row[:step_width])
        step.exercise = sql.from_row(Exercise, row[step_width : step_width + exercise_width])
        rule_row = row[step_width + exercise_width :]
        rule = None if rule_row[0] is None else sql.from_row(ProgressionRule, rule_row)
        if rule is not None:
            rule.step = step
        RoutineStep.progression.related.set_cached_value(step, rule)
        steps.append(step)
    return steps


def session_steps(*, session: Session) -> list[RoutineStep]:
    """The session's routine steps in order, each with its exercise (and progression)."""
    return _steps("s.routine_id = %s AND s.archived_at IS NULL", (session.assignment.routine_id,))


def step_with_exercise(step_id: int) -> RoutineStep | None:
    """One step with its exercise and progression rule, archived or not: what a completion
    names (services.completion_record checks that it belongs to the session)."""
    if not 0 < step_id < 2**63:
        return None
    steps = _steps("s.id = %s", (step_id,))
    return steps[0] if steps else None


def session_done_units(*, session: Session) -> set[tuple[int, int, str]]:
    """(step id, set, side) of every unit already done or skipped in the session."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT step_id, set_number, side FROM patients_completion WHERE session_id = %s",
            (session.id,),
        )
        return set(cursor.fetchall())


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


def sessions_for_staff(*, member) -> QuerySet[Session]:
    """Every session of the staff member's clinic's patients, newest first."""
    return (
        Session.objects.filter(patient__clinic_id=member.clinic_id)
        .select_related("assignment__routine")
        .order_by("-started_at", "-id")
    )


# The patient's session (its page, every completion and the finish): plain SQL through a
# cursor (clinic.sql), as the ORM spent more CPU compiling it than running it. The pause test
# is schedule.is_paused_on's rule; the day is bound twice.
@functools.cache
def _patient_session_sql(with_routine: bool) -> str:
    routine_columns = f", {sql.columns(Routine, 'r')}" if with_routine else ""
    routine_join = " JOIN routines_routine r ON r.id = a.routine_id" if with_routine else ""
    return (
        f"SELECT {sql.columns(Session, 's')}, {sql.columns(Assignment, 'a')}{routine_columns},"  # noqa: S608 - constants only
        f" {_PAUSED_SQL.format(assignment='a.id')}"
        " FROM patients_session s JOIN patients_assignment a ON a.id = s.assignment_id"
        f"{routine_join} WHERE s.id = %s AND s.patient_id = %s"
    )


def patient_session(
    *, patient: Patient, session_id: int | str, with_routine: bool = False
) -> Session | None:
    """The patient's own session to record into or show, with its plan (and its routine,
    `with_routine`), or None: one query.

    Recording a completion is what a patient does most, so the session also learns whether
    a pause covers its plan today (`paused_by_day`, read by services.completion_record), and
    the patient the request already holds (with its clinic) stands in for a join."""
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        return None
    if not 0 < session_id < 2**63:
        return None
    today = patient.clinic.today()
    day = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cursor:
        cursor.execute(_patient_session_sql(with_routine), (day, day, session_id, patient.id))
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    session = sql.from_row(Session, row[: sql.width(Session)])
    del row[: sql.width(Session)]
    assignment = sql.from_row(Assignment, row[: sql.width(Assignment)])
    del row[: sql.width(Assignment)]
    if with_routine:
        assignment.routine = sql.from_row(Routine, row[: sql.width(Routine)])
        del row[: sql.width(Routine)]
    session.assignment = assignment
    session.patient = patient
    assignment.patient = patient
    session.paused_today = bool(row[0])
    session.paused_by_day = {today: session.paused_today}
    return session


def sessions_for_patient(*, user: AbstractBaseUser) -> QuerySet[Session]:
    """The signed-in patient's own sessions (none for anyone else), newest first."""
    return (
        Session.objects.filter(
            patient__user=user, patient__user__is_active=True, patient__archived_at__isnull=True
        )
        .select_related("patient__clinic", "assignment__routine", "assignment__patient__clinic")
        .order_by("-started_at", "-id")
    )
