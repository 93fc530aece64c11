"""Scoring against worked examples, one per rule kind and per shipped instrument."""

from decimal import Decimal

import pytest

from patients.outcomes.scoring import (
    MEAN,
    NOTHING_TO_SCORE,
    PERCENT,
    SUM,
    TOO_MANY_MISSING,
    Rule,
    ScoredItem,
    change,
    meaningful,
    score,
    score_range,
)
from patients.outcomes.selectors import version_rule

from .shipped import shipped


def _scale(link_id, low=0, high=4, reversed=False):
    return ScoredItem(link_id, low, high, reversed)


def test_score_sum_adds_the_answered_items():
    # 1 + 3 + 4 = 8
    rule = Rule(SUM, (_scale("a"), _scale("b"), _scale("c")))
    result = score(rule, {"a": 1, "b": 3, "c": 4})
    assert result.value == Decimal("8.00")
    assert (result.answered, result.missing, result.reason) == (3, 0, "")


def test_score_mean_averages_the_answered_items():
    # (2 + 3 + 3) / 3 = 2.666… -> 2.67
    rule = Rule(MEAN, (_scale("a"), _scale("b"), _scale("c")))
    assert score(rule, {"a": 2, "b": 3, "c": 3}).value == Decimal("2.67")


def test_score_percent_with_a_missing_item_counts_only_the_answered():
    # Oswestry-like: 6 items scored 0-5, one left out. Answered 5 items: 3+2+1+0+4 = 10 of
    # a possible 25 -> 40 %.
    items = tuple(ScoredItem(f"q{n}", 0, 5) for n in range(1, 7))
    rule = Rule(PERCENT, items, max_missing=1)
    result = score(rule, {"q1": 3, "q2": 2, "q3": 1, "q4": 0, "q5": 4})
    assert result.value == Decimal("40.00")
    assert (result.answered, result.missing) == (5, 1)


def test_score_percent_of_a_scale_that_does_not_start_at_zero():
    # Two items 1-5: answers 2 and 4 -> (6 - 2) / (10 - 2) = 50 %.
    rule = Rule(PERCENT, (_scale("a", 1, 5), _scale("b", 1, 5)))
    assert score(rule, {"a": 2, "b": 4}).value == Decimal("50.00")


def test_score_reversed_item_counts_from_the_other_end():
    # Item b (0-4) is reversed: an answer of 1 scores 4 + 0 - 1 = 3; sum 2 + 3 = 5.
    rule = Rule(SUM, (_scale("a"), _scale("b", reversed=True)))
    result = score(rule, {"a": 2, "b": 1})
    assert result.value == Decimal("5.00")
    assert result.points == {"a": 2, "b": 3}


def test_score_choice_items_score_their_options_points():
    # Options "none" 0, "some" 2, "lots" 5; reversed choice: "some" -> 0 + 5 - 2 = 3.
    points = {"none": 0, "some": 2, "lots": 5}
    rule = Rule(
        SUM,
        (ScoredItem("a", 0, 5, points=points), ScoredItem("b", 0, 5, True, points=points)),
    )
    assert score(rule, {"a": "lots", "b": "some"}).value == Decimal("8.00")


def test_score_too_many_missing_items_gives_no_score_and_says_why():
    rule = Rule(MEAN, (_scale("a"), _scale("b"), _scale("c")), max_missing=1)
    result = score(rule, {"a": 2})
    assert result.value is None
    assert result.reason == TOO_MANY_MISSING
    assert (result.answered, result.missing) == (1, 2)


def test_score_nothing_answered_has_nothing_to_score():
    rule = Rule(SUM, (_scale("a"),))
    assert score(rule, {}).reason == NOTHING_TO_SCORE


def test_score_ignores_answers_outside_the_scale_or_of_the_wrong_type():
    rule = Rule(SUM, (_scale("a"), _scale("b"), _scale("c")), max_missing=3)
    result = score(rule, {"a": 9, "b": "3", "c": True})
    assert result.value is None
    assert result.reason == NOTHING_TO_SCORE


def test_score_range_per_kind():
    items = (_scale("a", 0, 10), _scale("b", 0, 10))
    assert score_range(Rule(SUM, items)) == (Decimal(0), Decimal(20))
    assert score_range(Rule(MEAN, items)) == (Decimal(0), Decimal(10))
    assert score_range(Rule(PERCENT, items)) == (Decimal(0), Decimal(100))


def test_change_and_meaningful_follow_the_direction_of_better():
    # Pain 7 -> 4: 3 points better; function 6 -> 5: 1 point worse, below an MCID of 2.
    assert change(Decimal(7), Decimal(4), higher_is_better=False) == 3
    assert change(Decimal(6), Decimal(5), higher_is_better=True) == -1
    assert meaningful(Decimal(-2), Decimal(2))
    assert not meaningful(Decimal(-1), Decimal(2))
    assert not meaningful(Decimal(5), None)


@pytest.mark.django_db
def test_shipped_numeric_pain_rating_scale_scores_the_number_chosen():
    version = shipped("nprs").versions.get()
    rule = version_rule(version)
    assert score(rule, {"pain": 6}).value == Decimal("6.00")
    assert score(rule, {}).reason == NOTHING_TO_SCORE
    assert (version.mcid, version.higher_is_better) == (Decimal(2), False)


@pytest.mark.django_db
def test_shipped_patient_specific_functional_scale_is_the_mean_of_three_to_five_ratings():
    version = shipped("psfs").versions.get()
    rule = version_rule(version)
    answers = {
        "activity-1": "Gardening",
        "activity-1-rating": 3,
        "activity-2": "Lifting my grandson",
        "activity-2-rating": 4,
        "activity-3": "Driving",
        "activity-3-rating": 6,
    }
    # (3 + 4 + 6) / 3 = 4.33
    assert score(rule, answers).value == Decimal("4.33")
    # Five activities: (3 + 4 + 6 + 8 + 2) / 5 = 4.6
    five = {**answers, "activity-4-rating": 8, "activity-5-rating": 2}
    assert score(rule, five).value == Decimal("4.60")
    # Only two rated: too few.
    two = {key: answers[key] for key in ("activity-1-rating", "activity-2-rating")}
    assert score(rule, two).reason == TOO_MANY_MISSING
    assert (version.mcid, version.higher_is_better) == (Decimal(2), True)
