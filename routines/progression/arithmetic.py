"""The progression rule's arithmetic: pure functions, no database.

Given a rule, the step's base value and what happened in each week of a plan (was it
paused, how many sessions were due and done, the highest pain reported), `prescriptions`
says what the step asks for in each week. The builder's preview is the same function with
every gate assumed to pass (`preview`), so what staff see is what the rule will do.

Weeks start on the plan's first day and run seven clinic-local days; `week_bounds` turns
them into aware datetimes in the clinic's time zone, so a week across a DST change is 167
or 169 hours long and still seven days. docs/progression.md explains the choices.
"""

import dataclasses
import datetime
import math
import zoneinfo

HOLD = "hold_seconds"
REPETITIONS = "repetitions"
SETS = "sets"
AMOUNT = "amount"
PERCENT = "percent"
WEEKS = "weeks"
SESSIONS = "sessions"

# Above this hold a percentage is rounded to whole 5 s: nobody counts 23 s.
HOLD_ROUND_ABOVE = 10
HOLD_ROUND_TO = 5


@dataclasses.dataclass(frozen=True)
class Rule:
    field: str = HOLD
    mode: str = AMOUNT
    amount: int = 5
    cadence: str = WEEKS
    every: int = 1
    ceiling: int = 60
    step_back_after_pain: bool = False
    frozen_on: datetime.date | None = None
    manual_value: int | None = None


@dataclasses.dataclass(frozen=True)
class Gates:
    min_adherence_percent: int = 80
    pain_threshold: int = 5


@dataclasses.dataclass(frozen=True)
class Week:
    """What happened in one week of the plan."""

    starts_on: datetime.date
    due: int = 0
    done: int = 0
    max_pain: int | None = None
    paused: bool = False


@dataclasses.dataclass(frozen=True)
class Prescription:
    starts_on: datetime.date
    value: int
    previous: int
    # "start", "grew", "held", "stepped_back", "ceiling", "paused", "frozen", "manual"
    reason: str

    @property
    def grew(self) -> bool:
        return self.value > self.previous


def week_starts(starts_on: datetime.date, count: int) -> list[datetime.date]:
    return [starts_on + datetime.timedelta(days=7 * index) for index in range(count)]


def week_index(starts_on: datetime.date, day: datetime.date) -> int:
    """Which week of the plan `day` (a clinic-local date) falls in; 0 is the first."""
    return max((day - starts_on).days // 7, 0)


def week_bounds(
    starts_on: datetime.date, index: int, zone: zoneinfo.ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """The week's first and next week's first instant, at local midnight in `zone`.

    Dates are added before the time zone is attached, so a DST change inside the week
    moves the length in hours, never the local day a week starts on."""
    first = starts_on + datetime.timedelta(days=7 * index)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        first + datetime.timedelta(days=7), datetime.time.min, tzinfo=zone
    )
    return start, end


def grow(rule: Rule, value: int) -> int:
    """One step up from `value`, rounded and at least one unit, never above the ceiling."""
    if rule.mode == PERCENT:
        raw = value * (100 + rule.amount) / 100
        if rule.field == HOLD and raw > HOLD_ROUND_ABOVE:
            grown = int(math.floor(raw / HOLD_ROUND_TO + 0.5)) * HOLD_ROUND_TO
            if grown <= value:
                grown = (value // HOLD_ROUND_TO + 1) * HOLD_ROUND_TO
        else:
            grown = max(int(math.floor(raw + 0.5)), value + 1)
    else:
        grown = value + rule.amount
    return max(min(grown, rule.ceiling), value) if value < rule.ceiling else value


def _period_passes(period: list[Week], gates: Gates) -> bool:
    due = sum(week.due for week in period)
    done = sum(min(week.done, week.due) for week in period)
    if due == 0 or done * 100 < gates.min_adherence_percent * due:
        return False
    return not _period_hurt(period, gates)


def _period_hurt(period: list[Week], gates: Gates) -> bool:
    return any(w.max_pain is not None and w.max_pain >= gates.pain_threshold for w in period)


def prescriptions(rule: Rule, base: int, weeks: list[Week], gates: Gates) -> list[Prescription]:
    """The value in force in each week, from the plan's first week on.

    A progression point comes at the start of a week once the rule's period is over:
    `every` unpaused weeks, or `every` completed sessions, since the last point. The
    period's weeks decide: adherence at least the threshold and no pain at or above the
    pain threshold grows the value; high pain steps back to the value before the last
    growth when the rule says so (never below the base); anything else holds. A paused
    week holds and does not count towards the period. From `frozen_on` on the value holds;
    a manual value wins over everything.
    """
    result: list[Prescription] = []
    value = base
    history = [base]  # values grown through, to step back along
    period: list[Week] = []
    for index, week in enumerate(weeks):
        previous = value
        reason = "start" if index == 0 else "held"
        if rule.manual_value is not None:
            value = rule.manual_value
            reason = "manual"
        elif index > 0 and rule.frozen_on is not None and week.starts_on >= rule.frozen_on:
            reason = "frozen"
        elif week.paused:
            # Nothing changes while paused; the period resumes with the plan.
            reason = "paused"
        elif index > 0 and period and _period_over(rule, period):
            if _period_passes(period, gates):
                value = grow(rule, value)
                reason = "grew" if value > previous else "ceiling"
                if value > previous:
                    history.append(value)
            elif rule.step_back_after_pain and _period_hurt(period, gates) and len(history) > 1:
                history.pop()
                value = history[-1]
                reason = "stepped_back"
            period = []
        if not week.paused:
            period.append(week)
        result.append(Prescription(week.starts_on, value, previous, reason))
    return result


def _period_over(rule: Rule, period: list[Week]) -> bool:
    if rule.cadence == SESSIONS:
        return sum(week.done for week in period) >= rule.every
    return len(period) >= rule.every


def preview(
    rule: Rule, base: int, starts_on: datetime.date, count: int = 8, sessions_per_week: int = 7
) -> list[Prescription]:
    """The prescription week by week assuming every gate passes: every due session done,
    no pain, no pause. What the builder shows before the rule is saved."""
    weeks = [
        Week(starts_on=day, due=sessions_per_week, done=sessions_per_week)
        for day in week_starts(starts_on, count)
    ]
    return prescriptions(rule, base, weeks, Gates())
