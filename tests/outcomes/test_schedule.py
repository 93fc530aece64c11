"""When a plan asks for a questionnaire: its start, every N weeks, its last week."""

import datetime
from types import SimpleNamespace

from patients.outcomes.selectors import occurrence_on

START = datetime.date(2026, 1, 5)  # a Monday
DAY = datetime.timedelta(days=1)


def _schedule(at_start=True, every_weeks=None, at_end=True, ends_on=None):
    assignment = SimpleNamespace(starts_on=START, ends_on=ends_on)
    return SimpleNamespace(
        assignment=assignment, at_start=at_start, every_weeks=every_weeks, at_end=at_end
    )


def test_occurrence_is_the_start_until_the_first_mark():
    schedule = _schedule(every_weeks=4)
    assert occurrence_on(schedule, START) == (START, "start")
    assert occurrence_on(schedule, START + 27 * DAY) == (START, "start")
    assert occurrence_on(schedule, START + 28 * DAY) == (START + 28 * DAY, "interval")
    assert occurrence_on(schedule, START + 60 * DAY) == (START + 56 * DAY, "interval")


def test_occurrence_nothing_before_the_start_or_after_the_end():
    schedule = _schedule(ends_on=START + 30 * DAY)
    assert occurrence_on(schedule, START - DAY) is None
    assert occurrence_on(schedule, START + 31 * DAY) is None


def test_occurrence_at_the_end_is_the_plans_last_week():
    schedule = _schedule(at_start=False, every_weeks=None, ends_on=START + 41 * DAY)
    assert occurrence_on(schedule, START + 34 * DAY) is None
    assert occurrence_on(schedule, START + 35 * DAY) == (START + 35 * DAY, "end")
    assert occurrence_on(schedule, START + 41 * DAY) == (START + 35 * DAY, "end")


def test_occurrence_end_wins_over_a_mark_on_the_same_day():
    schedule = _schedule(every_weeks=5, ends_on=START + 41 * DAY)
    assert occurrence_on(schedule, START + 35 * DAY) == (START + 35 * DAY, "end")


def test_occurrence_of_a_short_plan_ends_where_it_starts():
    schedule = _schedule(ends_on=START + 3 * DAY)
    # The last week starts before the plan: the start and the end are the same occurrence.
    assert occurrence_on(schedule, START) == (START, "end")
