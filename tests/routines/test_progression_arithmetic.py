"""The progression rule's arithmetic (routines/progression/arithmetic.py): no database."""

import datetime
import zoneinfo

from routines.progression.arithmetic import (
    Gates,
    Rule,
    Week,
    grow,
    prescriptions,
    preview,
    week_bounds,
    week_index,
    week_starts,
)

MONDAY = datetime.date(2026, 3, 2)
GATES = Gates(min_adherence_percent=80, pain_threshold=5)


def _weeks(count, *, due=7, done=7, pain=None, paused=()):
    pain = pain or {}
    return [
        Week(
            starts_on=day,
            due=0 if index in paused else due,
            done=0 if index in paused else done,
            max_pain=pain.get(index),
            paused=index in paused,
        )
        for index, day in enumerate(week_starts(MONDAY, count))
    ]


def _hours(start, end):
    # Aware datetimes in one zone subtract as wall clock times; in UTC they subtract as time.
    return (end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)) / datetime.timedelta(
        hours=1
    )


def _values(rule, base, weeks, gates=GATES):
    return [p.value for p in prescriptions(rule, base, weeks, gates)]


def test_grow_by_an_amount_adds_it():
    assert grow(Rule(amount=5, ceiling=60), 20) == 25
    assert grow(Rule(field="repetitions", amount=2, ceiling=20), 3) == 5


def test_grow_by_a_percentage_rounds_a_long_hold_to_whole_five_seconds():
    rule = Rule(mode="percent", amount=10, ceiling=120)
    assert grow(rule, 30) == 35  # 33 -> 35
    assert grow(rule, 50) == 55
    assert grow(rule, 20) == 25  # 22 rounds back to 20: at least the next 5 s
    assert grow(rule, 12) == 15  # 13.2 -> 15


def test_grow_by_a_percentage_keeps_a_short_hold_in_whole_seconds():
    rule = Rule(mode="percent", amount=20, ceiling=120)
    assert grow(rule, 5) == 6
    assert grow(rule, 8) == 10  # 9.6 -> 10, then not above 10: whole seconds


def test_grow_by_a_percentage_gives_repetitions_and_sets_at_least_one_more():
    assert grow(Rule(field="repetitions", mode="percent", amount=10, ceiling=50), 3) == 4
    assert grow(Rule(field="repetitions", mode="percent", amount=50, ceiling=50), 10) == 15
    assert grow(Rule(field="sets", mode="percent", amount=5, ceiling=10), 1) == 2


def test_grow_stops_at_the_ceiling():
    assert grow(Rule(amount=10, ceiling=45), 40) == 45
    assert grow(Rule(amount=10, ceiling=45), 45) == 45
    # A base already above the ceiling is never cut down by the rule.
    assert grow(Rule(amount=10, ceiling=45), 50) == 50


def test_prescriptions_grow_every_week_when_the_gates_pass():
    result = prescriptions(Rule(amount=5, ceiling=35), 20, _weeks(5), GATES)
    assert [p.value for p in result] == [20, 25, 30, 35, 35]
    assert [p.reason for p in result] == ["start", "grew", "grew", "grew", "ceiling"]
    assert result[1].previous == 20
    assert result[1].grew


def test_prescriptions_grow_every_n_weeks():
    assert _values(Rule(amount=5, every=2, ceiling=60), 20, _weeks(6)) == [20, 20, 25, 25, 30, 30]


def test_prescriptions_grow_after_n_completed_sessions():
    rule = Rule(amount=1, field="repetitions", cadence="sessions", every=6, ceiling=10)
    # Three sessions a week: a period of six sessions takes two weeks.
    assert _values(rule, 2, _weeks(5, due=3, done=3)) == [2, 2, 3, 3, 4]


def test_prescriptions_hold_when_adherence_is_below_the_threshold():
    # 5 of 7 is 71 %: below 80 %.
    assert _values(Rule(amount=5, ceiling=60), 20, _weeks(3, done=5)) == [20, 20, 20]
    # 6 of 7 is 86 %: enough.
    assert _values(Rule(amount=5, ceiling=60), 20, _weeks(3, done=6)) == [20, 25, 30]


def test_prescriptions_hold_when_nothing_was_due():
    assert _values(Rule(amount=5, ceiling=60), 20, _weeks(3, due=0, done=0)) == [20, 20, 20]


def test_prescriptions_hold_after_pain_at_the_threshold():
    weeks = _weeks(4, pain={1: 5})
    result = prescriptions(Rule(amount=5, ceiling=60), 20, weeks, GATES)
    assert [p.value for p in result] == [20, 25, 25, 30]
    assert result[2].reason == "held"
    # Pain of 4 is below the threshold: it grows.
    assert _values(Rule(amount=5, ceiling=60), 20, _weeks(3, pain={1: 4})) == [20, 25, 30]


def test_prescriptions_follow_the_plans_own_gates():
    lenient = Gates(min_adherence_percent=50, pain_threshold=8)
    assert _values(Rule(amount=5, ceiling=60), 20, _weeks(3, done=4, pain={0: 6}), lenient) == [
        20,
        25,
        30,
    ]


def test_prescriptions_step_back_after_high_pain_when_the_rule_says_so():
    rule = Rule(amount=5, ceiling=60, step_back_after_pain=True)
    result = prescriptions(rule, 20, _weeks(5, pain={2: 7}), GATES)
    assert [p.value for p in result] == [20, 25, 30, 25, 30]
    assert result[3].reason == "stepped_back"


def test_prescriptions_never_step_back_below_the_base():
    rule = Rule(amount=5, ceiling=60, step_back_after_pain=True)
    assert _values(rule, 20, _weeks(3, pain={0: 9, 1: 9})) == [20, 20, 20]


def test_prescriptions_a_manual_value_wins_over_the_rule():
    result = prescriptions(Rule(amount=5, ceiling=60, manual_value=42), 20, _weeks(3), GATES)
    assert [p.value for p in result] == [42, 42, 42]
    assert {p.reason for p in result} == {"manual"}


def test_prescriptions_a_freeze_holds_the_value_from_its_date():
    frozen_on = MONDAY + datetime.timedelta(days=14)
    result = prescriptions(Rule(amount=5, ceiling=60, frozen_on=frozen_on), 20, _weeks(5), GATES)
    assert [p.value for p in result] == [20, 25, 25, 25, 25]
    assert [p.reason for p in result][2:] == ["frozen", "frozen", "frozen"]


def test_prescriptions_a_pause_across_a_progression_date_moves_it_on():
    rule = Rule(amount=5, every=2, ceiling=60)
    # Without a pause it grows at weeks 2 and 4; paused in week 2 (the progression date),
    # nothing changes while paused and the period is over at week 3.
    result = prescriptions(rule, 20, _weeks(6, paused={2}), GATES)
    assert [p.value for p in result] == [20, 20, 20, 25, 25, 30]
    assert result[2].reason == "paused"


def test_prescriptions_a_paused_week_does_not_count_towards_the_period():
    rule = Rule(amount=5, every=2, ceiling=60)
    # Paused in week 1: weeks 0 and 2 make the period, so it grows at week 3, not 2.
    assert _values(rule, 20, _weeks(5, paused={1})) == [20, 20, 20, 25, 25]


def test_preview_assumes_every_gate_passes():
    result = preview(Rule(amount=5, ceiling=40), 20, MONDAY)
    assert len(result) == 8
    assert [p.value for p in result] == [20, 25, 30, 35, 40, 40, 40, 40]


def test_week_index_counts_from_the_plans_first_day():
    assert week_index(MONDAY, MONDAY) == 0
    assert week_index(MONDAY, MONDAY + datetime.timedelta(days=6)) == 0
    assert week_index(MONDAY, MONDAY + datetime.timedelta(days=7)) == 1
    assert week_index(MONDAY, MONDAY - datetime.timedelta(days=3)) == 0


def test_week_bounds_across_the_spring_dst_change_start_at_local_midnight():
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    # Clocks go forward on Sunday 29 March 2026: that week is 167 hours long.
    start, end = week_bounds(datetime.date(2026, 3, 23), 0, zone)
    assert (start.hour, end.hour) == (0, 0)
    assert end.date() == datetime.date(2026, 3, 30)
    assert _hours(start, end) == 167
    assert start.utcoffset() == datetime.timedelta(hours=1)
    assert end.utcoffset() == datetime.timedelta(hours=2)


def test_week_bounds_across_the_autumn_dst_change_are_169_hours():
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    start, end = week_bounds(datetime.date(2026, 10, 19), 0, zone)
    assert _hours(start, end) == 169
    assert end.date() == datetime.date(2026, 10, 26)


def test_prescriptions_across_a_dst_change_keep_seven_day_weeks():
    starts = week_starts(datetime.date(2026, 3, 23), 3)
    assert starts == [
        datetime.date(2026, 3, 23),
        datetime.date(2026, 3, 30),
        datetime.date(2026, 4, 6),
    ]
    # A session on local Monday 30 March 00:30 (22:30 UTC on Sunday) is in week 1.
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    local = datetime.datetime(2026, 3, 29, 22, 30, tzinfo=datetime.UTC).astimezone(zone)
    assert week_index(starts[0], local.date()) == 1
