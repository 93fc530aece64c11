"""How a questionnaire is scored: pure functions over plain values, no database.

The rule of a version (`Rule`) names its kind and how many scored items may be missing:

- **sum**: the points of the answered items added up;
- **mean**: their average;
- **percent**: their sum as a percentage of the highest points those same items could
  have scored (so a missing item neither counts for nor against: the Oswestry way).

An item's points are the number chosen (a scale) or the chosen option's score (a choice).
A reversed item scores `low + high - points`, so that on every item of a version a higher
number means the same direction. Free-text items are never scored. When more scored items
are missing than the rule allows there is no score, and the reason says so.

Scores are rounded half up to two decimal places.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SUM = "sum"
MEAN = "mean"
PERCENT = "percent"
KINDS = (SUM, MEAN, PERCENT)

TOO_MANY_MISSING = "too_many_missing"
NOTHING_TO_SCORE = "nothing_to_score"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoredItem:
    link_id: str
    low: int  # the fewest points an answer can score
    high: int  # the most
    reversed: bool = False
    # A choice item's points per option code; None for a scale (the number is the points).
    points: Mapping[str, int] | None = None

    def points_of(self, answer) -> int | None:
        """The points of `answer`, reversed if the item is; None when it is not an answer
        this item takes."""
        if self.points is not None:
            raw = self.points.get(answer) if isinstance(answer, str) else None
        elif isinstance(answer, int) and not isinstance(answer, bool):
            raw = answer if self.low <= answer <= self.high else None
        else:
            raw = None
        if raw is None:
            return None
        return self.low + self.high - raw if self.reversed else raw


@dataclass(frozen=True)
class Rule:
    kind: str
    items: tuple[ScoredItem, ...]
    max_missing: int = 0


@dataclass(frozen=True)
class Score:
    value: Decimal | None
    answered: int
    missing: int
    reason: str = ""  # TOO_MANY_MISSING or NOTHING_TO_SCORE when there is no value
    points: dict = field(default_factory=dict)  # link id -> points counted


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def score(rule: Rule, answers: Mapping[str, object]) -> Score:
    """Score `answers` ({link id: answer}) under `rule`."""
    points = {}
    for item in rule.items:
        if item.link_id in answers:
            value = item.points_of(answers[item.link_id])
            if value is not None:
                points[item.link_id] = value
    answered = len(points)
    missing = len(rule.items) - answered
    if not answered:
        return Score(None, 0, missing, NOTHING_TO_SCORE)
    if missing > rule.max_missing:
        return Score(None, answered, missing, TOO_MANY_MISSING, points)
    total = Decimal(sum(points.values()))
    if rule.kind == SUM:
        value = total
    elif rule.kind == MEAN:
        value = total / answered
    elif rule.kind == PERCENT:
        answered_items = [item for item in rule.items if item.link_id in points]
        low = sum(item.low for item in answered_items)
        high = sum(item.high for item in answered_items)
        value = Decimal(100) * (total - low) / (high - low)
    else:
        raise ValueError(f"unknown score kind {rule.kind!r}")
    return Score(_round(value), answered, missing, "", points)


def score_range(rule: Rule) -> tuple[Decimal, Decimal]:
    """The lowest and highest score the rule can give (all items answered)."""
    if rule.kind == PERCENT:
        return Decimal(0), Decimal(100)
    if not rule.items:
        return Decimal(0), Decimal(1)
    low = sum(item.low for item in rule.items)
    high = sum(item.high for item in rule.items)
    if rule.kind == MEAN:
        return _round(Decimal(low) / len(rule.items)), _round(Decimal(high) / len(rule.items))
    return Decimal(low), Decimal(high)


def change(baseline: Decimal, latest: Decimal, *, higher_is_better: bool) -> Decimal:
    """How much better (positive) or worse (negative) `latest` is than `baseline`."""
    difference = latest - baseline
    return difference if higher_is_better else -difference


def meaningful(difference: Decimal, mcid: Decimal | None) -> bool:
    """At least the minimal clinically important difference, either way."""
    return mcid is not None and abs(difference) >= mcid
