"""The prescription in force for a plan's steps this week (issue 19).

The arithmetic is routines.progression.arithmetic's; this module feeds it what the plan
recorded: each week's sessions due and finished, the highest pain reported and whether
the plan was paused all week, with the plan's gates (its own, else its clinic's, else the
defaults). A fixed number of queries however long the plan has run, and none at all for
steps without a rule, so Today and the player cost what they did before.
"""

import datetime
from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Assignment, PlanGates
from patients.plans.schedule import is_paused_on, sessions_due_on
from routines.models import RoutineStep
from routines.progression import arithmetic
from routines.progression.models import ClinicGates, ProgressionRule


def rule_of(step: RoutineStep) -> ProgressionRule | None:
    """The step's rule, from select_related("progression") when it was loaded so."""
    try:
        return step.progression
    except ProgressionRule.DoesNotExist:
        return None


def plan_gates(assignment: Assignment) -> arithmetic.Gates:
    own = PlanGates.objects.filter(assignment_id=assignment.id).first()
    if own is not None:
        return arithmetic.Gates(own.min_adherence_percent, own.pain_threshold)
    clinic = ClinicGates.objects.filter(clinic_id=assignment.patient.clinic_id).first()
    return clinic.as_gates() if clinic is not None else arithmetic.Gates()


def plan_weeks(assignment: Assignment, today: datetime.date) -> list[arithmetic.Week]:
    """Every week of the plan from its first day up to the one holding `today`."""
    if today < assignment.starts_on:
        return [arithmetic.Week(starts_on=assignment.starts_on)]
    prefetch_related_objects([assignment], "pauses")
    done: dict[datetime.date, int] = defaultdict(int)
    pain: dict[datetime.date, int] = {}
    for day, reported in assignment.sessions.filter(
        finished_at__isnull=False, local_date__gte=assignment.starts_on, local_date__lte=today
    ).values_list("local_date", "pain"):
        done[day] += 1
        if reported is not None:
            pain[day] = max(pain.get(day, 0), reported)
    count = arithmetic.week_index(assignment.starts_on, today) + 1
    weeks = []
    for first in arithmetic.week_starts(assignment.starts_on, count):
        days = [first + datetime.timedelta(days=n) for n in range(7)]
        days = [day for day in days if day <= today] or days[:1]
        paused = [is_paused_on(assignment, day) for day in days]
        pains = [pain[day] for day in days if day in pain]
        weeks.append(
            arithmetic.Week(
                starts_on=first,
                due=sum(
                    sessions_due_on(assignment, day, paused=p)
                    for day, p in zip(days, paused, strict=True)
                ),
                done=sum(done[day] for day in days),
                max_pain=max(pains) if pains else None,
                paused=all(paused),
            )
        )
    return weeks


def prescriptions_in_force(
    *, assignment: Assignment, steps: list[RoutineStep], today: datetime.date | None = None
) -> dict[int, arithmetic.Prescription]:
    """This week's prescription of each step that has a rule, by step id. The steps should
    come with select_related("progression"); without a rule among them, no query."""
    rules = {step.id: (step, rule) for step in steps if (rule := rule_of(step)) is not None}
    if not rules:
        return {}
    today = today or assignment.patient.clinic.today()
    weeks = plan_weeks(assignment, today)
    gates = plan_gates(assignment)
    return {
        step_id: arithmetic.prescriptions(rule.as_rule(), rule.base_value(), weeks, gates)[-1]
        for step_id, (step, rule) in rules.items()
    }


def apply_prescriptions(
    *, assignment: Assignment, steps: list[RoutineStep], today: datetime.date | None = None
) -> list[str]:
    """Put this week's values on the (unsaved, never saved) step objects, so the player
    shows them and a completion copies them; return the patient's lines for what grew."""
    lines = []
    in_force = prescriptions_in_force(assignment=assignment, steps=steps, today=today)
    for step in steps:
        prescription = in_force.get(step.id)
        if prescription is None:
            continue
        field = step.progression.field
        setattr(step, field, prescription.value)
        if prescription.value != prescription.previous:
            lines.append(change_in_words(step, field, prescription))
    return lines


def change_in_words(step: RoutineStep, field: str, prescription: arithmetic.Prescription) -> str:
    values = {
        "exercise": step.exercise.name,
        "value": prescription.value,
        "previous": prescription.previous,
    }
    up = prescription.value > prescription.previous
    if field == arithmetic.HOLD:
        text = (
            _("%(exercise)s: hold %(value)s s (up from %(previous)s s)")
            if up
            else _("%(exercise)s: hold %(value)s s (down from %(previous)s s)")
        )
    elif field == arithmetic.REPETITIONS:
        count = prescription.value
        text = (
            ngettext(
                "%(exercise)s: %(value)s repetition (up from %(previous)s)",
                "%(exercise)s: %(value)s repetitions (up from %(previous)s)",
                count,
            )
            if up
            else ngettext(
                "%(exercise)s: %(value)s repetition (down from %(previous)s)",
                "%(exercise)s: %(value)s repetitions (down from %(previous)s)",
                count,
            )
        )
    else:
        count = prescription.value
        text = (
            ngettext(
                "%(exercise)s: %(value)s set (up from %(previous)s)",
                "%(exercise)s: %(value)s sets (up from %(previous)s)",
                count,
            )
            if up
            else ngettext(
                "%(exercise)s: %(value)s set (down from %(previous)s)",
                "%(exercise)s: %(value)s sets (down from %(previous)s)",
                count,
            )
        )
    return text % values


def step_in_force(
    *, assignment: Assignment, step: RoutineStep, day: datetime.date | None = None
) -> RoutineStep:
    """The step with the value in force in the week of `day` (a session's date), for
    recording a completion: one query to learn the step has no rule when it was loaded
    without select_related("progression")."""
    apply_prescriptions(assignment=assignment, steps=[step], today=day)
    return step
