"""Reads of outcome measures: which questionnaires are due, a patient's results, the staff's
scores over time and the facts behind the needs-attention reasons."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from clinic.models import StaffMember
from patients.models import Patient
from routines.languages import column, columns, content_languages

from . import scoring
from .models import AnswerOption, Item, Postponement, Questionnaire, QuestionnaireVersion, Response
from .models import Schedule as OutcomeSchedule

# Needs-attention reason codes (patients.review.adherence words them).
OUTCOME_WORSE = "outcome_worse"
OUTCOME_UNCHANGED = "outcome_unchanged"
END_WINDOW_DAYS = 7  # "at the end" is asked during the plan's last week
UNCHANGED_AFTER_DAYS = 42  # "no meaningful change after 6 weeks"


def items_prefetch() -> Prefetch:
    options = AnswerOption.objects.order_by("position", "id")
    return Prefetch(
        "items",
        queryset=Item.objects.order_by("position", "id").prefetch_related(
            Prefetch("options", queryset=options)
        ),
    )


def version_rule(version: QuestionnaireVersion) -> scoring.Rule:
    """The version's scoring rule as plain values (reads `items` and their `options`)."""
    scored = []
    for item in version.items.all():
        if item.kind == Item.Kind.SCALE:
            scored.append(
                scoring.ScoredItem(item.link_id, item.scale_min, item.scale_max, item.reversed)
            )
        elif item.kind == Item.Kind.CHOICE:
            points = {option.code: option.score for option in item.options.all()}
            if points:
                low, high = min(points.values()), max(points.values())
                scored.append(scoring.ScoredItem(item.link_id, low, high, item.reversed, points))
    return scoring.Rule(version.score_kind, tuple(scored), version.max_missing)


def questionnaires_for_staff(*, member: StaffMember) -> QuerySet[Questionnaire]:
    """The questionnaires Limber ships and the staff member's clinic's own."""
    return Questionnaire.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=member.clinic_id))


def current_versions(questionnaire_ids) -> dict[int, QuestionnaireVersion]:
    """Each questionnaire's current version: its latest active one, with items and options."""
    versions = (
        QuestionnaireVersion.objects.filter(
            questionnaire_id__in=list(questionnaire_ids),
            status=QuestionnaireVersion.Status.ACTIVE,
        )
        .select_related("questionnaire")
        .prefetch_related(items_prefetch())
        .order_by("questionnaire_id", "id")
    )
    return {version.questionnaire_id: version for version in versions}


def version_with_items(version_id: int) -> QuestionnaireVersion:
    return (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .prefetch_related(items_prefetch())
        .get(pk=version_id)
    )


# What is due.


@dataclass
class Due:
    """One questionnaire a plan asks the patient for now."""

    schedule: OutcomeSchedule
    due_on: datetime.date
    timepoint: str  # "start", "interval" or "end"
    postponed_on: datetime.date | None

    @property
    def questionnaire(self) -> Questionnaire:
        return self.schedule.questionnaire

    @property
    def can_postpone(self) -> bool:
        return self.postponed_on is None

    @property
    def name(self) -> str:
        return self.questionnaire.name


_TIMEPOINT_ORDER = {"start": 0, "interval": 1, "end": 2}


def occurrence_on(schedule: OutcomeSchedule, day: datetime.date):
    """(due_on, timepoint) of the schedule's latest occurrence on or before `day`, while
    the plan runs; None before its start, after its end, or when nothing has come yet.

    Occurrences: the plan's first day ("start"), every N weeks after it ("interval"), and
    its last week ("end", from `END_WINDOW_DAYS` before the last day). A later occurrence
    replaces an earlier unanswered one: the patient is never asked to catch up."""
    assignment = schedule.assignment
    starts_on, ends_on = assignment.starts_on, assignment.ends_on
    if day < starts_on or (ends_on is not None and day > ends_on):
        return None
    found = []
    if schedule.at_start:
        found.append((starts_on, "start"))
    if schedule.every_weeks:
        periods = (day - starts_on).days // (7 * schedule.every_weeks)
        if periods >= 1:
            mark = starts_on + datetime.timedelta(weeks=schedule.every_weeks * periods)
            found.append((mark, "interval"))
    if schedule.at_end and ends_on is not None:
        end_from = max(starts_on, ends_on - datetime.timedelta(days=END_WINDOW_DAYS - 1))
        if day >= end_from:
            found.append((end_from, "end"))
    if not found:
        return None
    return max(found, key=lambda found: (found[0], _TIMEPOINT_ORDER[found[1]]))


def due_questionnaires(*, patient: Patient, include_postponed: bool = False) -> list[Due]:
    """The questionnaires the patient's plans ask for today (clinic time), oldest plan first.

    One that was postponed today is left out (unless `include_postponed`); postponed on an
    earlier day it is asked again, and cannot be postponed a second time. One query when
    no plan asks for a questionnaire, three otherwise."""
    today = patient.clinic.today()
    schedules = list(
        OutcomeSchedule.objects.filter(
            assignment__patient=patient,
            assignment__starts_on__lte=today,
            questionnaire__versions__status=QuestionnaireVersion.Status.ACTIVE,
        )
        .filter(Q(assignment__ends_on__isnull=True) | Q(assignment__ends_on__gte=today))
        .select_related("assignment", "questionnaire")
        .distinct()
        .order_by("assignment__starts_on", "assignment_id", "id")
    )
    occurrences = {}
    for schedule in schedules:
        occurrence = occurrence_on(schedule, today)
        if occurrence is not None:
            occurrences[schedule.pk] = (schedule, *occurrence)
    if not occurrences:
        return []
    wanted = Q()
    for schedule, due_on, _timepoint in occurrences.values():
        wanted |= Q(schedule=schedule, due_on=due_on)
    answered = set(Response.objects.filter(wanted).values_list("schedule_id", "due_on"))
    postponed = {
        (schedule_id, due_on): local_date
        for schedule_id, due_on, local_date in Postponement.objects.filter(wanted).values_list(
            "schedule_id", "due_on", "local_date"
        )
    }
    due = []
    for schedule, due_on, timepoint in occurrences.values():
        if (schedule.pk, due_on) in answered:
            continue
        postponed_on = postponed.get((schedule.pk, due_on))
        if postponed_on == today and not include_postponed:
            continue
        due.append(Due(schedule, due_on, timepoint, postponed_on))
    return due


# Results: a patient's own, the staff's chart and table.


@dataclass
class Result:
    """A patient's scores on one questionnaire, oldest first."""

    questionnaire: Questionnaire
    version: QuestionnaireVersion  # the latest answered, whose range and MCID apply
    responses: list[Response]

    @property
    def scored(self) -> list[Response]:
        return [response for response in self.responses if response.score is not None]

    @property
    def baseline(self) -> Response | None:
        scored = self.scored
        return scored[0] if scored else None

    @property
    def latest(self) -> Response | None:
        scored = self.scored
        return scored[-1] if scored else None

    @property
    def change(self) -> Decimal | None:
        """Points better (positive) or worse (negative) since the first score."""
        baseline, latest = self.baseline, self.latest
        if baseline is None or latest is baseline:
            return None
        return scoring.change(
            baseline.score, latest.score, higher_is_better=self.version.higher_is_better
        )


def patient_results(*, patient: Patient, since: datetime.date | None = None) -> list[Result]:
    """The patient's responses grouped by questionnaire (by name), each oldest first. One
    query: responses carry their version and questionnaire."""
    responses = Response.objects.filter(patient=patient).select_related("version__questionnaire")
    if since is not None:
        responses = responses.filter(local_date__gte=since)
    results: dict[int, Result] = {}
    for response in responses.order_by("answered_at", "id"):
        questionnaire = response.version.questionnaire
        result = results.get(questionnaire.pk)
        if result is None:
            result = results[questionnaire.pk] = Result(questionnaire, response.version, [])
        result.responses.append(response)
        result.version = response.version
    return sorted(results.values(), key=lambda result: result.questionnaire.name)


def responses_for_staff(*, member: StaffMember) -> QuerySet[Response]:
    """Every response of the staff member's clinic's patients, newest first."""
    return (
        Response.objects.filter(patient__clinic_id=member.clinic_id)
        .select_related("patient__clinic", "version__questionnaire")
        .order_by("-answered_at", "-id")
    )


def responses_for_patient(*, user: AbstractBaseUser) -> QuerySet[Response]:
    """The signed-in patient's own responses (none for anyone else), newest first."""
    return (
        Response.objects.filter(
            patient__user=user, patient__user__is_active=True, patient__archived_at__isnull=True
        )
        .select_related("patient__clinic", "version__questionnaire")
        .order_by("-answered_at", "-id")
    )


def schedules_for_staff(*, member: StaffMember) -> QuerySet[OutcomeSchedule]:
    return OutcomeSchedule.objects.filter(
        assignment__patient__clinic_id=member.clinic_id
    ).select_related("assignment__patient", "questionnaire")


# Needs attention.


@dataclass(frozen=True)
class Trend:
    """A patient's first and latest score on one questionnaire, and what it means: an
    attention `code` (OUTCOME_WORSE, OUTCOME_UNCHANGED) or None."""

    questionnaire: str
    code: str | None
    figures: dict
    latest_at: datetime.datetime


def _trend(first: dict, last: dict) -> Trend | None:
    mcid = last["version__mcid"]
    if mcid is None or first["id"] == last["id"]:
        return None
    difference = scoring.change(
        first["score"], last["score"], higher_is_better=last["version__higher_is_better"]
    )
    days = (last["local_date"] - first["local_date"]).days
    figures = {
        "questionnaire": last["version__questionnaire__name"],
        # Every language's name: the reason is written in the reader's language when it is
        # read, long after these figures were stored (patients.review.adherence.Reason).
        "questionnaire_names": {
            code: last[f"version__questionnaire__{column('name', code)}"]
            for code in content_languages()
        },
        "baseline": plain_number(first["score"]),
        "latest": plain_number(last["score"]),
        "change": plain_number(abs(difference)),
        "mcid": plain_number(mcid),
        "weeks": days // 7,
    }
    if difference <= -mcid:
        code = OUTCOME_WORSE
    elif days >= UNCHANGED_AFTER_DAYS and not scoring.meaningful(difference, mcid):
        code = OUTCOME_UNCHANGED
    else:
        code = None
    return Trend(last["version__questionnaire__name"], code, figures, last["answered_at"])


def outcome_trends(patients: QuerySet[Patient]) -> dict[int, list[Trend]]:
    """For each of `patients`, their trend on each questionnaire with an MCID: the first
    and latest scores only, found by the database (one query, whatever the history)."""
    partition = [F("patient_id"), F("version__questionnaire_id")]
    rows = (
        Response.objects.filter(patient__in=patients, score__isnull=False)
        .annotate(
            first=Window(RowNumber(), partition_by=partition, order_by=[F("answered_at"), F("id")]),
            last=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("answered_at").desc(), F("id").desc()],
            ),
        )
        .filter(Q(first=1) | Q(last=1))
        .values(
            "id",
            "patient_id",
            "version__questionnaire_id",
            "version__questionnaire__name",
            *(f"version__questionnaire__{name}" for name in columns("name")),
            "version__mcid",
            "version__higher_is_better",
            "score",
            "local_date",
            "answered_at",
            "first",
        )
    )
    pairs: dict[tuple[int, int], dict] = {}
    for row in rows:
        pair = pairs.setdefault((row["patient_id"], row["version__questionnaire_id"]), {})
        pair["first" if row["first"] == 1 else "last"] = row
        if row["first"] == 1:
            pair.setdefault("last", row)
        else:
            pair.setdefault("first", row)
    trends: dict[int, list[Trend]] = {}
    for (patient_id, _questionnaire), pair in sorted(pairs.items()):
        trend = _trend(pair["first"], pair["last"])
        if trend is not None and trend.code is not None:
            trends.setdefault(patient_id, []).append(trend)
    return trends


def plain_number(value: Decimal | None) -> str:
    """3.00 -> "3", 4.50 -> "4.5": scores as people write them."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
