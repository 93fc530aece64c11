"""Adherence: scheduled and completed sessions, streaks and pain, for a patient or a clinic.

The rules, in one place (PRODUCT.md, "Adherence"):

- **Scheduled**: an assignment schedules `sessions_per_day` sessions on every clinic-local
  day from `starts_on` to `ends_on` (both included) whose weekday bit is set (Monday is
  bit 0, as `date.weekday()`), except the days one of its pauses covers (an open pause runs
  until further notice).
- **Completed**: a finished session, on its clinic-local `local_date`, for its assignment.
  `patients.sessions.services.session_finish` only finishes a session in which every side of every
  set of every active step was done or skipped with a reason, so "finished" is decided
  once, with the routine as it was then: later edits to the plan never rewrite history.
  Per assignment and day at most what was scheduled counts, so a third session on a
  two-a-day plan, or one on a paused or rest day, adds nothing.
- **Today is still open**: a period that reaches today counts today's sessions once they
  are done, and does not hold today's remaining ones against the patient; days after
  today are not counted at all.
- **Adherence** = completed ÷ scheduled; none when nothing was scheduled.
- **Streak**: scheduled days in a row fully done, counting back from today (or from
  yesterday while today is still open); rest and paused days neither count nor break it.
  It looks back at most `LOOKBACK_DAYS`.
- **Missed run**: scheduled days in a row without any session at all (not even a partial
  one), counting back from yesterday; a session today ends it.
- **Pain**: the average of the reports in the period; the latest report and the trend of
  the last three (rising: each higher than the one before; falling: each lower; otherwise
  steady), among the reports of the last `LOOKBACK_DAYS`.
- **Last session**: the latest session started (finished or not), by date, start and id.
- **Needs attention**: see `attention_reasons` (thresholds are the clinic's own).

Everything for a whole clinic runs in a fixed number of queries, whatever the number of
patients: one each for the patients, their assignments, the pauses, the sessions counted
per assignment and day, the last pain reports, the last sessions and the latest reviews.
Completions are never read. The staff home page keeps the result per patient in
`PatientSummary` rows and works out again only the patients whose data changed, or all of
a clinic's once its day has rolled over (`summaries_refresh`, patients.review.summaries).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy, ngettext_lazy

from clinic import dates
from clinic.models import Clinic, StaffMember
from patients.models import (
    Assignment,
    AssignmentPause,
    AttentionReview,
    Patient,
    PatientSummary,
    Session,
)
from patients.outcomes.selectors import OUTCOME_UNCHANGED, OUTCOME_WORSE, outcome_trends
from patients.review.summaries import FIGURE_FIELDS, clinic_rules, sort_name
from routines.languages import in_reading_language

LOOKBACK_DAYS = 90
# Patients whose summaries are worked out together: their sessions are found through
# session_patient_date_idx with a list of ids, never by reading the whole sessions table.
REFRESH_CHUNK = 500
ONE_DAY = datetime.timedelta(days=1)

LOW_ADHERENCE = "low_adherence"
MISSED_DAYS = "missed_days"
PAIN_HIGH = "pain_high"
PAIN_RISING = "pain_rising"
REASON_CODES = [
    LOW_ADHERENCE,
    MISSED_DAYS,
    PAIN_HIGH,
    PAIN_RISING,
    OUTCOME_WORSE,
    OUTCOME_UNCHANGED,
]


def days_between(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


@dataclass
class Day:
    """One clinic-local day of one patient."""

    date: datetime.date
    scheduled: int = 0
    completed: int = 0  # finished sessions, at most what was scheduled
    sessions: int = 0  # every session started that day, finished or not
    paused: bool = False  # an assignment would have run but was paused
    pain_reports: int = 0  # finished sessions with a pain reported
    pain_total: int = 0  # the sum of those pains

    @property
    def state(self) -> str:
        """done, partial, missed, paused or rest: what the calendar shows."""
        if self.scheduled:
            if self.completed >= self.scheduled:
                return "done"
            return "partial" if self.completed or self.sessions else "missed"
        return "paused" if self.paused else "rest"


@dataclass(frozen=True)
class Adherence:
    scheduled: int
    completed: int

    @property
    def percent(self) -> int | None:
        if not self.scheduled:
            return None
        return round(100 * self.completed / self.scheduled)

    def is_below(self, percent: int) -> bool:
        """Below `percent`, compared exactly (2 of 3 is below 67 %)."""
        return bool(self.scheduled) and self.completed * 100 < percent * self.scheduled


@dataclass(frozen=True)
class PainReport:
    session_id: int
    local_date: datetime.date
    pain: int


@dataclass(frozen=True)
class LastSession:
    session_id: int
    local_date: datetime.date


def pain_trend(reports: list[PainReport]) -> str | None:
    """rising, falling or steady over the last three reports (oldest first); None if fewer."""
    if len(reports) < 3:
        return None
    first, second, third = (report.pain for report in reports[-3:])
    if first < second < third:
        return "rising"
    if first > second > third:
        return "falling"
    return "steady"


@dataclass
class Record:
    """What is known of one patient's days and pain, from `start` to `today`."""

    start: datetime.date
    today: datetime.date
    days: dict[datetime.date, Day] = field(default_factory=dict)
    pains: list[PainReport] = field(default_factory=list)  # the last three, oldest first

    def day(self, date: datetime.date) -> Day:
        return self.days.get(date) or Day(date)

    def adherence(self, start: datetime.date, end: datetime.date) -> Adherence:
        scheduled = completed = 0
        for date in days_between(max(start, self.start), min(end, self.today)):
            day = self.day(date)
            completed += day.completed
            # Today's sessions still to do are not missed yet.
            scheduled += day.completed if date == self.today else day.scheduled
        return Adherence(scheduled, completed)

    def last_days(self, count: int) -> Adherence:
        return self.adherence(self.today - datetime.timedelta(days=count - 1), self.today)

    def average_pain(self, start: datetime.date, end: datetime.date) -> float | None:
        reports = total = 0
        for date in days_between(max(start, self.start), min(end, self.today)):
            day = self.days.get(date)
            if day is not None:
                reports += day.pain_reports
                total += day.pain_total
        return total / reports if reports else None

    @property
    def streak(self) -> int:
        date = self.today
        today = self.day(date)
        if today.completed < today.scheduled:
            date -= ONE_DAY
        streak = 0
        while date >= self.start:
            day = self.day(date)
            if day.scheduled:
                if day.completed < day.scheduled:
                    break
                streak += 1
            date -= ONE_DAY
        return streak

    def missed_dates(self) -> tuple[datetime.date, ...]:
        """The scheduled days in a row without a session, back from yesterday (newest first);
        none once there is a session today."""
        if self.day(self.today).sessions:
            return ()
        missed = []
        date = self.today - ONE_DAY
        while date >= self.start:
            day = self.day(date)
            if day.scheduled:
                if day.sessions:
                    break
                missed.append(date)
            date -= ONE_DAY
        return tuple(missed)

    def missed_run(self, after: datetime.date | None = None) -> int:
        """Scheduled days in a row without a session, back from yesterday (and after `after`)."""
        return _count_after(self.missed_dates(), after)

    @property
    def latest_pain(self) -> PainReport | None:
        return self.pains[-1] if self.pains else None

    @property
    def pain_trend(self) -> str | None:
        return pain_trend(self.pains)


def _count_after(dates: tuple[datetime.date, ...], after: datetime.date | None) -> int:
    return len(dates) if after is None else sum(1 for date in dates if date > after)


def _running(start: datetime.date, today: datetime.date) -> Q:
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def _plans(patients: QuerySet[Patient], start: datetime.date, today: datetime.date):
    """The assignments and pauses running between `start` and `today`, in two queries."""
    running = _running(start, today)
    assignments = list(
        Assignment.objects.filter(running, patient__in=patients)
        .order_by("id")
        .values_list("id", "patient_id", "starts_on", "ends_on", "weekdays", "sessions_per_day")
    )
    pauses = list(
        AssignmentPause.objects.filter(running, assignment__patient__in=patients)
        .order_by("id")
        .values_list("id", "assignment_id", "starts_on", "ends_on")
    )
    return assignments, pauses


def _records(
    patients: QuerySet[Patient],
    start: datetime.date,
    today: datetime.date,
    plans: tuple[list, list] | None = None,
) -> dict[int, Record]:
    """Every patient's days and last pain reports from `start` to `today`, in four queries
    (two when `plans`, the result of `_plans`, is given)."""
    records: dict[int, Record] = defaultdict(lambda: Record(start, today))
    assignments, pause_rows = plans or _plans(patients, start, today)
    pauses: dict[int, list] = defaultdict(list)
    for _pause_id, assignment_id, paused_from, paused_until in pause_rows:
        pauses[assignment_id].append((paused_from, paused_until or today))

    calendar = [(date, 1 << date.weekday()) for date in days_between(start, today)]
    scheduled: dict[tuple[int, datetime.date], int] = {}
    for assignment_id, patient_id, starts_on, ends_on, weekdays, per_day in assignments:
        days = records[patient_id].days
        paused = pauses.get(assignment_id)
        first = max((starts_on - start).days, 0)
        last = (min(ends_on or today, today) - start).days
        for date, bit in calendar[first : last + 1]:
            if not weekdays & bit:
                continue
            day = days.get(date) or days.setdefault(date, Day(date))
            if paused and any(low <= date <= high for low, high in paused):
                day.paused = True
                continue
            scheduled[assignment_id, date] = per_day
            day.scheduled += per_day

    sessions = Session.objects.filter(patient__in=patients, local_date__range=(start, today))
    finished = Q(finished_at__isnull=False)
    counts = (
        sessions.values_list("patient_id", "assignment_id", "local_date")
        .annotate(
            started=Count("id"),
            finished=Count("id", filter=finished),
            pain_reports=Count("pain", filter=finished),
            pain_total=Sum("pain", filter=finished),
        )
        .order_by()
    )
    for patient_id, assignment_id, date, started, done, pain_reports, pain_total in counts:
        days = records[patient_id].days
        day = days.get(date) or days.setdefault(date, Day(date))
        day.sessions += started
        day.completed += min(done, scheduled.get((assignment_id, date), 0))
        day.pain_reports += pain_reports
        day.pain_total += pain_total or 0

    last_reports = (
        sessions.filter(finished, pain__isnull=False)
        .annotate(
            recent=Window(
                RowNumber(),
                partition_by=F("patient_id"),
                order_by=[F("finished_at").desc(), F("id").desc()],
            )
        )
        .filter(recent__lte=3)
        .values_list("patient_id", "id", "local_date", "pain")
        .order_by("patient_id", "finished_at", "id")
    )
    for patient_id, session_id, local_date, pain in last_reports:
        records[patient_id].pains.append(PainReport(session_id, local_date, pain))
    return records


def _last_sessions(
    patients: QuerySet[Patient], since: datetime.date | None = None
) -> dict[int, LastSession]:
    """Each patient's last session (since `since`, if given), in one query: an index lookup
    per patient (`session_patient_date_idx`), cheaper than ranking all their sessions."""
    sessions = Session.objects.filter(patient=OuterRef("pk"))
    if since is not None:
        sessions = sessions.filter(local_date__gte=since)
    last = sessions.order_by("-local_date", "-started_at", "-id")[:1]
    found = (
        patients.annotate(
            last_id=Subquery(last.values("id")), last_on=Subquery(last.values("local_date"))
        )
        .filter(last_id__isnull=False)
        .values_list("pk", "last_id", "last_on")
        .order_by()
    )
    return {patient_id: LastSession(session_id, date) for patient_id, session_id, date in found}


@dataclass
class PatientAdherence:
    """One patient over one period, with today's streak and latest pain."""

    patient: Patient
    start: datetime.date
    end: datetime.date
    adherence: Adherence
    streak: int
    last_session_on: datetime.date | None
    average_pain: float | None
    pain_trend: str | None
    latest_pain: int | None
    days: list[Day]


def patient_adherence(
    *, patient: Patient, start: datetime.date, end: datetime.date | None = None
) -> PatientAdherence:
    """A patient's adherence from `start` to `end` (default: today), in five queries."""
    today = patient.clinic.today()
    end = end or today
    lookback = min(start, today - datetime.timedelta(days=LOOKBACK_DAYS - 1))
    patients = Patient.objects.filter(pk=patient.pk)
    record = _records(patients, lookback, today)[patient.pk]
    last_session = _last_sessions(patients).get(patient.pk)
    latest = record.latest_pain
    return PatientAdherence(
        patient=patient,
        start=start,
        end=end,
        adherence=record.adherence(start, end),
        streak=record.streak,
        last_session_on=last_session.local_date if last_session else None,
        average_pain=record.average_pain(start, end),
        pain_trend=record.pain_trend,
        latest_pain=latest.pain if latest else None,
        days=[record.day(date) for date in days_between(start, end)],
    )


def patient_streak(*, patient: Patient) -> int:
    """The patient's streak as the staff see it (`Record.streak`), in four queries."""
    today = patient.clinic.today()
    start = today - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    return _records(Patient.objects.filter(pk=patient.pk), start, today)[patient.pk].streak


REASON_TEXTS = {
    LOW_ADHERENCE: gettext_lazy(
        "%(percent)s%% of sessions done in the last 7 days (%(done)s of %(due)s)"
    ),
    MISSED_DAYS: ngettext_lazy(
        "No session on the last %(days)s scheduled day",
        "No session on the last %(days)s scheduled days",
        "days",
    ),
    PAIN_HIGH: gettext_lazy("Reported pain %(pain)s of 10 on %(date)s"),
    PAIN_RISING: gettext_lazy("Pain rising over the last 3 sessions: %(pains)s"),
    OUTCOME_WORSE: gettext_lazy(
        "%(questionnaire)s worse by at least the MCID since baseline: %(baseline)s → "
        "%(latest)s (MCID %(mcid)s)"
    ),
    OUTCOME_UNCHANGED: ngettext_lazy(
        "%(questionnaire)s: no meaningful change after %(weeks)s week: %(baseline)s → "
        "%(latest)s (MCID %(mcid)s)",
        "%(questionnaire)s: no meaningful change after %(weeks)s weeks: %(baseline)s → "
        "%(latest)s (MCID %(mcid)s)",
        "weeks",
    ),
}


@dataclass
class Reason:
    """Why a patient needs attention: a code and the figures of its text. The text is
    written (and translated) when it is read, so a page pays only for the reasons it shows."""

    code: str
    figures: dict

    @property
    def text(self) -> str:
        figures = self.figures
        if "date" in figures:
            # Kept as ISO 8601 in the figures (the API and the cache read them), said as a date.
            day = datetime.date.fromisoformat(figures["date"])
            figures = {**figures, "date": dates.short_date(day)}
        if "questionnaire_names" in figures:
            figures = {
                **figures,
                "questionnaire": in_reading_language(figures["questionnaire_names"]),
            }
        return REASON_TEXTS[self.code] % figures


@dataclass
class PatientOverview:
    """One row of the staff home page."""

    patient: Patient
    week: Adherence
    month: Adherence
    streak: int
    last_session_id: int | None
    last_session_on: datetime.date | None
    latest_pain: int | None
    pain_trend: str | None
    average_pain: float | None
    reasons: list[Reason]

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def reason_codes(self) -> str:
        return " ".join(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class Summary:
    """What the staff home page needs of one patient's `Record`: small enough to cache.

    It answers the same questions as the record it was made from (`last_days` for 7 and 30
    days, `streak`, `missed_run`, the pain reports and trend), so `attention_reasons` takes
    either; and it keeps the 30-day average pain and the last session for the page's rows.
    """

    today: datetime.date
    week: Adherence
    month: Adherence
    streak: int
    missed: tuple[datetime.date, ...]
    pains: tuple[PainReport, ...]
    pain_trend: str | None
    average_pain: float | None  # over the last 30 days
    last_session: LastSession | None

    @classmethod
    def of(cls, record: Record, last_session: LastSession | None = None) -> "Summary":
        return cls(
            today=record.today,
            week=record.last_days(7),
            month=record.last_days(30),
            streak=record.streak,
            missed=record.missed_dates(),
            pains=tuple(record.pains),
            pain_trend=record.pain_trend,
            average_pain=record.average_pain(
                record.today - datetime.timedelta(days=29), record.today
            ),
            last_session=last_session,
        )

    def last_days(self, count: int) -> Adherence:
        return {7: self.week, 30: self.month}[count]

    def missed_run(self, after: datetime.date | None = None) -> int:
        return _count_after(self.missed, after)

    @property
    def latest_pain(self) -> PainReport | None:
        return self.pains[-1] if self.pains else None


def attention_reasons(
    record: Record | Summary,
    clinic: Clinic,
    review: AttentionReview | None = None,
    outcomes: list = (),
) -> list[Reason]:
    """Why a patient needs attention now, leaving out what `review` already covered.

    A review covers the data it was raised on: its days (up to the day it was reviewed)
    and its sessions (up to the latest one then). So low adherence is raised again once
    the 7-day window lies wholly after the review, missed days once as many scheduled days
    have been missed after it, and pain once a later session reports it. `outcomes` are
    the patient's outcome trends with a reason (patients.outcomes.selectors.Trend); an
    outcome reason is raised again once a questionnaire is answered after the review.
    """
    reviewed = review.reason_codes if review else set()
    reviewed_on = review.reviewed_on if review else None
    reviewed_session = (review.last_session_id or 0) if review else 0
    reasons = []

    week = record.last_days(7)
    week_is_new = reviewed_on is None or reviewed_on < record.today - datetime.timedelta(days=6)
    if week.is_below(clinic.attention_adherence_percent) and (
        LOW_ADHERENCE not in reviewed or week_is_new
    ):
        figures = {"percent": week.percent, "done": week.completed, "due": week.scheduled}
        reasons.append(Reason(LOW_ADHERENCE, figures))

    missed = record.missed_run(after=reviewed_on if MISSED_DAYS in reviewed else None)
    if missed >= clinic.attention_missed_days:
        reasons.append(Reason(MISSED_DAYS, {"days": missed}))

    latest = record.latest_pain
    new_pain = latest is not None and latest.session_id > reviewed_session
    if latest and latest.pain >= clinic.attention_pain and (PAIN_HIGH not in reviewed or new_pain):
        figures = {"pain": latest.pain, "date": latest.local_date.isoformat()}
        reasons.append(Reason(PAIN_HIGH, figures))
    if record.pain_trend == "rising" and (PAIN_RISING not in reviewed or new_pain):
        pains = " → ".join(str(report.pain) for report in record.pains)
        reasons.append(Reason(PAIN_RISING, {"pains": pains}))
    for trend in outcomes:
        if trend.code not in reviewed or trend.latest_at > review.reviewed_at:
            reasons.append(Reason(trend.code, trend.figures))
    return reasons


def _outcome_trends(patients: QuerySet[Patient]) -> dict:
    """Each patient's outcome trends that raise a reason (worse by the MCID, or unchanged
    after six weeks): one query."""
    return outcome_trends(patients)


def _latest_reviews(patients: QuerySet[Patient]) -> dict[int, AttentionReview]:
    reviews = (
        AttentionReview.objects.filter(patient__in=patients)
        .annotate(
            recent=Window(
                RowNumber(),
                partition_by=F("patient_id"),
                order_by=[F("reviewed_at").desc(), F("id").desc()],
            )
        )
        .filter(recent=1)
    )
    return {review.patient_id: review for review in reviews}


def patients_needing_attention(patients: QuerySet[Patient], *, clinic: Clinic):
    """Those of `patients` (all of `clinic`) with a reason for attention now: the staff
    home page's rule (`attention_reasons`, the clinic's thresholds, reviews respected).

    A fixed number of queries (six) whatever the number of patients; the result is still
    a queryset, to filter, annotate and page further.
    """
    today = clinic.today()
    start = today - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    records = _records(patients, start, today)
    reviews = _latest_reviews(patients)
    trends = _outcome_trends(patients)
    flagged = [
        patient_id
        for patient_id in records.keys() | trends.keys()
        if attention_reasons(
            records.get(patient_id) or Record(start, today),
            clinic,
            reviews.get(patient_id),
            trends.get(patient_id, ()),
        )
    ]
    return patients.filter(pk__in=flagged)


def _stale(
    patients: QuerySet[Patient], clinic: Clinic, today: datetime.date, rules: str
) -> list[tuple]:
    """(id, version, last name, first name) of `patients` whose `PatientSummary` no longer
    fits: none yet, another version, another day or other rules (patients.review.summaries).

    The summaries are joined on the clinic too, so their side is read through
    summary_clinic_attention_idx rather than every clinic's rows."""
    own = FilteredRelation("summary", condition=Q(summary__clinic=clinic))
    fits = Q(
        own__computed_version=F("own__version"),
        own__computed_on=today,
        own__rules=rules,
    )
    # CASE, not the condition itself: with no row or a NULL in it the condition is
    # unknown rather than false, and a filter on it would skip the row.
    fitting = Case(When(fits, then=Value(True)), default=Value(False))
    return list(
        patients.annotate(own=own, fitting=fitting)
        .filter(fitting=False)
        .values_list("pk", "own__version", "last_name", "first_name")
        .order_by()
    )


def summaries_refresh(*, clinic: Clinic) -> int:
    """Work out again the summaries of the clinic's active patients that no longer fit
    (patients.review.summaries says when), with the same rules as the from-scratch
    computation, `REFRESH_CHUNK` patients at a time; returns how many. One query when all
    fit; otherwise seven per chunk and one to write them."""
    today = clinic.today()
    rules = clinic_rules(clinic)
    patients = Patient.objects.filter(clinic=clinic, archived_at__isnull=True)
    stale = _stale(patients, clinic, today, rules)
    if not stale:
        return 0
    missing = [pk for pk, version, _last, _first in stale if version is None]
    if missing:
        # The rows first, so a write from now on raises a version this refresh will not
        # claim to have seen.
        PatientSummary.objects.bulk_create(
            [PatientSummary(patient_id=pk, clinic=clinic) for pk in missing],
            ignore_conflicts=True,
        )
    start = today - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    for first in range(0, len(stale), REFRESH_CHUNK):
        chunk = stale[first : first + REFRESH_CHUNK]
        chosen = Patient.objects.filter(pk__in=[pk for pk, *_rest in chunk])
        records = _records(chosen, start, today)
        last_sessions = _last_sessions(chosen)
        reviews = _latest_reviews(chosen)
        trends = _outcome_trends(chosen)
        rows = []
        for pk, version, last_name, first_name in chunk:
            summary = Summary.of(records[pk], last_sessions.get(pk))
            reasons = attention_reasons(summary, clinic, reviews.get(pk), trends.get(pk, ()))
            last = summary.last_session
            latest = summary.latest_pain
            rows.append(
                PatientSummary(
                    patient_id=pk,
                    clinic=clinic,
                    computed_version=version or 0,
                    computed_on=today,
                    rules=rules,
                    sort_name=sort_name(last_name, first_name),
                    week_completed=summary.week.completed,
                    week_scheduled=summary.week.scheduled,
                    week_percent=summary.week.percent,
                    month_completed=summary.month.completed,
                    month_scheduled=summary.month.scheduled,
                    month_percent=summary.month.percent,
                    streak=summary.streak,
                    last_session_id=last.session_id if last else None,
                    last_session_on=last.local_date if last else None,
                    latest_pain=latest.pain if latest else None,
                    pain_trend=summary.pain_trend or "",
                    average_pain=summary.average_pain,
                    reasons=[[reason.code, reason.figures] for reason in reasons],
                    reasons_count=len(reasons),
                )
            )
        # Never `version`: a write that raised it meanwhile must still show as not fitting.
        PatientSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["patient"], update_fields=FIGURE_FIELDS
        )
    return len(stale)


def overview_of(summary: PatientSummary) -> PatientOverview:
    """A staff home page row from a stored summary (its patient loaded with it)."""
    return PatientOverview(
        patient=summary.patient,
        week=Adherence(summary.week_scheduled, summary.week_completed),
        month=Adherence(summary.month_scheduled, summary.month_completed),
        streak=summary.streak,
        last_session_id=summary.last_session_id,
        last_session_on=summary.last_session_on,
        latest_pain=summary.latest_pain,
        pain_trend=summary.pain_trend or None,
        average_pain=summary.average_pain,
        reasons=[Reason(code, figures) for code, figures in summary.reasons],
    )


def clinic_summaries(
    *, clinic: Clinic, physiotherapist: StaffMember | None = None
) -> QuerySet[PatientSummary]:
    """The stored summaries of the clinic's active patients (or one physiotherapist's);
    call `summaries_refresh` first."""
    summaries = PatientSummary.objects.filter(clinic=clinic, patient__archived_at__isnull=True)
    if physiotherapist is not None:
        summaries = summaries.filter(patient__physiotherapist=physiotherapist)
    return summaries


def clinic_overview(
    *,
    clinic: Clinic,
    physiotherapist: StaffMember | None = None,
    patient: Patient | None = None,
    cached: bool = True,
) -> list[PatientOverview]:
    """Every active patient of the clinic (or one physiotherapist's, or one patient), in
    the roster's order.

    From the stored summaries (`summaries_refresh`, then one query) unless `cached` is
    False or for one patient: then from scratch, in a fixed number of queries whatever the
    number of patients (patients, physiotherapists, assignments, pauses, sessions per day,
    pain reports, last sessions, reviews, outcome trends). Both give the same rows.
    """
    if cached and patient is None:
        summaries_refresh(clinic=clinic)
        summaries = clinic_summaries(clinic=clinic, physiotherapist=physiotherapist).select_related(
            "patient__physiotherapist__user"
        )
        order = ("patient__last_name", "patient__first_name", "patient_id")
        return [overview_of(summary) for summary in summaries.order_by(*order)]
    today = clinic.today()
    start = today - datetime.timedelta(days=LOOKBACK_DAYS - 1)
    patients = Patient.objects.filter(clinic=clinic, archived_at__isnull=True)
    if physiotherapist is not None:
        patients = patients.filter(physiotherapist=physiotherapist)
    if patient is not None:
        patients = patients.filter(pk=patient.pk)
    rows = list(patients.select_related("physiotherapist__user"))
    records = _records(patients, start, today)
    last_sessions = _last_sessions(patients)
    reviews = _latest_reviews(patients)
    trends = _outcome_trends(patients)
    overview = []
    for row in rows:
        summary = Summary.of(records[row.pk], last_sessions.get(row.pk))
        latest = summary.latest_pain
        last_session = summary.last_session
        overview.append(
            PatientOverview(
                patient=row,
                week=summary.week,
                month=summary.month,
                streak=summary.streak,
                last_session_id=last_session.session_id if last_session else None,
                last_session_on=last_session.local_date if last_session else None,
                latest_pain=latest.pain if latest else None,
                pain_trend=summary.pain_trend,
                average_pain=summary.average_pain,
                reasons=attention_reasons(
                    summary, clinic, reviews.get(row.pk), trends.get(row.pk, ())
                ),
            )
        )
    return overview
