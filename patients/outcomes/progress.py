"""Scores shown to people: the patient's results in plain words, and the staff's chart of
scores beside weekly adherence (server-drawn SVG, with a text alternative and a table)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic import dates
from patients.models import Patient

from .selectors import Result, patient_results, plain_number

WIDTH, TOP, SCORE_HEIGHT, GAP, BAR_HEIGHT, BOTTOM, LEFT, RIGHT = 640, 12, 180, 28, 48, 24, 44, 12
HEIGHT = TOP + SCORE_HEIGHT + GAP + BAR_HEIGHT + BOTTOM
CHART_YEARS = 2


def _points(value: Decimal) -> str:
    number = plain_number(value)
    return ngettext("%(n)s point", "%(n)s points", 1 if number == "1" else 2) % {"n": number}


def result_sentence(result: Result) -> str:
    """ "Your pain score: 3 of 10, 2 points better than at the start." """
    latest = result.latest
    name = result.questionnaire.name
    if latest is None:
        return _("%(name)s: no score yet.") % {"name": name}
    figures = {
        "name": name,
        "score": plain_number(latest.score),
        "max": plain_number(result.version.score_max),
    }
    change = result.change
    if change is None:
        return (
            _("Your %(name)s score: %(score)s of %(max)s. This is where we start from.") % figures
        )
    figures["points"] = _points(abs(change))
    if change > 0:
        text = _("Your %(name)s score: %(score)s of %(max)s, %(points)s better than at the start.")
    elif change < 0:
        text = _("Your %(name)s score: %(score)s of %(max)s, %(points)s worse than at the start.")
    else:
        text = _("Your %(name)s score: %(score)s of %(max)s, the same as at the start.")
    return text % figures


@dataclass
class PlainResult:
    name: str
    sentence: str
    result: Result


def results_in_words(results: list[Result]) -> list[PlainResult]:
    return [
        PlainResult(
            result.questionnaire.name,
            result_sentence(result),
            result,
        )
        for result in results
    ]


@dataclass
class Chart:
    """One questionnaire's scores and the weeks' adherence, in SVG coordinates."""

    result: Result
    name: str
    summary: str
    first_day: datetime.date
    last_day: datetime.date
    points: list[dict] = field(default_factory=list)
    polyline: str = ""
    band: dict | None = None
    grid: list[dict] = field(default_factory=list)
    bars: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    plot_width: int = WIDTH - LEFT - RIGHT
    score_bottom: int = TOP + SCORE_HEIGHT
    bar_top: int = TOP + SCORE_HEIGHT + GAP
    bar_bottom: int = TOP + SCORE_HEIGHT + GAP + BAR_HEIGHT
    label_y: int = HEIGHT - 6


def _weeks(days, start: datetime.date, end: datetime.date):
    """(monday, scheduled, completed) for each week from `start` to `end`."""
    weeks: dict[datetime.date, list[int]] = {}
    for day in days:
        monday = day.date - datetime.timedelta(days=day.date.weekday())
        totals = weeks.setdefault(monday, [0, 0])
        totals[0] += day.scheduled
        totals[1] += day.completed
    return sorted((monday, scheduled, done) for monday, (scheduled, done) in weeks.items())


def _percent(done: int, scheduled: int) -> int | None:
    return round(100 * done / scheduled) if scheduled else None


def staff_outcomes(*, patient: Patient, adherence_days: Callable) -> list[Chart]:
    """A chart per questionnaire of the patient's last two years of scores, with the MCID
    band around the first score and each week's adherence under it.

    `adherence_days(start, end)` gives the patient's days (each with `date`, `scheduled`
    and `completed`) from the review feature, which owns adherence: outcomes stays below
    it. A fixed number of queries: the responses (one) and those of `adherence_days`."""
    today = patient.clinic.today()
    since = today - datetime.timedelta(days=365 * CHART_YEARS)
    results = [result for result in patient_results(patient=patient, since=since) if result.scored]
    if not results:
        return []
    start = min(result.scored[0].local_date for result in results)
    start -= datetime.timedelta(days=start.weekday())
    weeks = _weeks(adherence_days(start, today), start, today)
    by_week = {monday: _percent(done, scheduled) for monday, scheduled, done in weeks}
    span = max((today - start).days, 1)
    plot_width = WIDTH - LEFT - RIGHT

    def x_of(day: datetime.date) -> float:
        return round(LEFT + plot_width * (day - start).days / span, 1)

    charts = []
    for result in results:
        version = result.version
        low, high = version.score_min, version.score_max
        scale = (high - low) or Decimal(1)

        def y_of(score: Decimal, low=low, scale=scale) -> float:
            clamped = min(max(score, low), low + scale)
            return round(TOP + SCORE_HEIGHT * float(1 - (clamped - low) / scale), 1)

        name = result.questionnaire.name
        chart = Chart(result, name, _chart_summary(result, name, weeks), start, today)
        baseline = result.baseline
        for response in result.scored:
            week = response.local_date - datetime.timedelta(days=response.local_date.weekday())
            difference = response.score - baseline.score
            chart.points.append(
                {"x": x_of(response.local_date), "y": y_of(response.score), "response": response}
            )
            chart.rows.append(
                {
                    "response": response,
                    "score": plain_number(response.score),
                    "change": plain_number(difference) if response is not baseline else "",
                    "adherence": by_week.get(week),
                }
            )
        chart.polyline = " ".join(f"{point['x']},{point['y']}" for point in chart.points)
        if version.mcid is not None:
            upper, lower = y_of(baseline.score + version.mcid), y_of(baseline.score - version.mcid)
            chart.band = {"y": upper, "height": round(lower - upper, 1)}
        chart.grid = [
            {"y": y_of(level), "level": plain_number(level)}
            for level in (low, (low + high) / 2, high)
        ]
        bar_width = max(plot_width * 7 / span - 1, 1)
        for monday, scheduled, done in weeks:
            percent = _percent(done, scheduled)
            if percent is None:
                continue
            height = round(BAR_HEIGHT * percent / 100, 1)
            x = x_of(max(monday, start))
            chart.bars.append(
                {
                    "x": x,
                    "y": round(chart.bar_bottom - height, 1),
                    # This week's bar ends at today, the chart's right edge.
                    "width": round(max(min(bar_width, chart.right - x), 1), 1),
                    "height": height,
                    "low": percent < patient.clinic.attention_adherence_percent,
                }
            )
        charts.append(chart)
    return charts


def _chart_summary(result: Result, name: str, weeks) -> str:
    """The chart in words, for people who cannot see it."""
    scored = result.scored
    first, latest = scored[0], scored[-1]
    version = result.version
    text = ngettext(
        "%(name)s: %(count)s score from %(first)s to %(last)s.",
        "%(name)s: %(count)s scores from %(first)s to %(last)s.",
        len(scored),
    ) % {
        "name": name,
        "count": len(scored),
        "first": dates.short_date(first.local_date),
        "last": dates.short_date(latest.local_date),
    }
    text += " " + _("First %(first)s, latest %(latest)s (from %(low)s to %(high)s).") % {
        "first": plain_number(first.score),
        "latest": plain_number(latest.score),
        "low": plain_number(version.score_min),
        "high": plain_number(version.score_max),
    }
    if version.higher_is_better:
        text += " " + _("Higher is better.")
    else:
        text += " " + _("Lower is better.")
    change = result.change
    if change is not None and version.mcid is not None:
        figures = {"points": _points(abs(change)), "mcid": plain_number(version.mcid)}
        if abs(change) < version.mcid:
            text += " " + _("No meaningful change (%(points)s; the MCID is %(mcid)s).") % figures
        elif change > 0:
            text += " " + _("Better by %(points)s, at least the MCID of %(mcid)s.") % figures
        else:
            text += " " + _("Worse by %(points)s, at least the MCID of %(mcid)s.") % figures
    scheduled = sum(week[1] for week in weeks)
    done = sum(week[2] for week in weeks)
    if scheduled:
        text += " " + _("Adherence over the same weeks: %(percent)s%% (%(done)s of %(due)s).") % {
            "percent": _percent(done, scheduled),
            "done": done,
            "due": scheduled,
        }
    return text
