"""The staff home page (who needs attention, everyone's adherence) and a patient's progress."""

import csv
import datetime
import itertools

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from clinic import dates
from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_patient, audits_patient
from clinic.models import StaffMember
from clinic.spreadsheets import spreadsheet_safe
from patients.models import Completion, Patient, Session
from patients.outcomes.progress import staff_outcomes
from patients.review.adherence import PatientOverview, clinic_overview, patient_adherence
from patients.review.selectors import staff_home
from patients.review.services import attention_review_record

CALENDAR_WEEKS = 12
PATIENTS_PER_PAGE = 100
ATTENTION_PER_PAGE = 20
RECENT_SESSIONS = 20
NO_PHYSIOTHERAPIST = "none"
# What the staff home page's address may carry; a review sends the user back with these.
DASHBOARD_PARAMETERS = ("physiotherapist", "sort", "page", "attention_page")

# The table's columns, each sortable both ways (patients.review.selectors orders them).
SORTS = ["name", "physiotherapist", "week", "month", "last_session", "streak", "pain"]
COLUMNS = [
    ("name", gettext_lazy("Patient")),
    ("physiotherapist", gettext_lazy("Physiotherapist")),
    ("week", gettext_lazy("7 days")),
    ("month", gettext_lazy("30 days")),
    ("last_session", gettext_lazy("Last session")),
    ("streak", gettext_lazy("Streak")),
    ("pain", gettext_lazy("Latest pain")),
]


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    """A patient of the staff member's own clinic, or 404."""
    member = request.staff
    patients = Patient.objects.select_related("clinic", "physiotherapist__user")
    patient = get_object_or_404(patients, pk=patient_id, clinic_id=member.clinic_id)
    audit_patient(request, patient)
    return patient


class DashboardFilterForm(forms.Form):
    physiotherapist = forms.ChoiceField(label=gettext_lazy("Physiotherapist"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"),
        required=False,
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
    )

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        staff = StaffMember.objects.filter(clinic=clinic).select_related("user")
        self.staff = {str(member.pk): member for member in staff}
        choices = [("", _("Everyone")), (NO_PHYSIOTHERAPIST, _("No physiotherapist"))]
        choices += sorted(
            ((key, str(member)) for key, member in self.staff.items()), key=lambda c: c[1]
        )
        self.fields["physiotherapist"].choices = choices


def _overview_for(request: HttpRequest, member: StaffMember):
    """The filtered, sorted lists of the staff home page (a `StaffHome`), or the invalid
    form and None."""
    data = request.GET
    if "physiotherapist" not in data and member.role == StaffMember.Role.PHYSIOTHERAPIST:
        # A physiotherapist starts with their own patients; "Everyone" is one click away.
        data = data.copy()
        data["physiotherapist"] = str(member.pk)
    form = DashboardFilterForm(data, clinic=member.clinic)
    if not form.is_valid():
        return form, None
    chosen = form.cleaned_data["physiotherapist"]
    home = staff_home(
        clinic=member.clinic,
        physiotherapist=form.staff.get(chosen),
        no_physiotherapist=chosen == NO_PHYSIOTHERAPIST,
        sort=form.cleaned_data["sort"] or "name",
        staff=form.staff.values(),
    )
    return form, home


def _dashboard_query(query: QueryDict) -> QueryDict:
    """The staff home page's own parameters of `query` (filter, sort and both pages)."""
    kept = QueryDict(mutable=True)
    for name in DASHBOARD_PARAMETERS:
        if name in query:
            kept.setlist(name, query.getlist(name))
    return kept


@staff_required
@audits_patient("list")
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    member = request.staff
    audit_patient(request, None)
    form, home = _overview_for(request, member)
    if home is None:
        return render(request, "staff/dashboard.html", {"form": form, "member": member}, status=400)
    # Each list reads only its page (patients.review.selectors.SummaryRows).
    attention_page = Paginator(home.attention, ATTENTION_PER_PAGE).get_page(
        request.GET.get("attention_page")
    )
    page = Paginator(home.rows, PATIENTS_PER_PAGE).get_page(request.GET.get("page"))
    sort = form.cleaned_data["sort"] or "name"
    base = _dashboard_query(request.GET)
    for name in ("page", "attention_page"):
        base.pop(name, None)
    export_query = base.urlencode()
    base["sort"] = sort
    shown = {"page": page.number, "attention_page": attention_page.number}

    def link(**changes) -> str:
        """This page's query with `changes`: the lists' pages are independent, so each
        link keeps the filter, the sort and the other list's page (None leaves one out)."""
        query = base.copy()
        for name, value in (shown | changes).items():
            if value is not None and value != 1:
                query[name] = value
        return query.urlencode()

    columns = []
    order = {"": "ascending", "-": "descending"}
    for name, label in COLUMNS:
        column_sort = f"-{name}" if sort == name else name
        current = order.get(sort.removesuffix(name)) if sort.endswith(name) else None
        columns.append(
            {"label": label, "query": link(sort=column_sort, page=None), "aria_sort": current}
        )
    # Only the rows shown get links and labels, made once per pattern rather than
    # reversed and translated in the template for each of them.
    progress_url = _url_for_patient("dashboard:progress")
    review_url = _url_for_patient("dashboard:review")
    # A review comes back to this very page: the button's address carries its query.
    review_suffix = f"?{link()}"
    for row in itertools.chain(attention_page, page):
        row.progress_url = progress_url(row.patient.pk)
        row.review_url = review_url(row.patient.pk) + review_suffix
        row.review_label = _("Mark %(name)s as reviewed") % {"name": row.patient}
    context = {
        "form": form,
        "member": member,
        "rows": home.rows,
        "page": page,
        "page_query": link(page=None),
        "attention": home.attention,
        "attention_page": attention_page,
        "attention_query": link(attention_page=None),
        "columns": columns,
        "export_query": export_query,
        "today": member.clinic.today(),
        "showing_own": form.cleaned_data["physiotherapist"] == str(member.pk),
        "showing_everyone": form.cleaned_data["physiotherapist"] == "",
    }
    return render(request, "staff/dashboard.html", context)


def _back_to_dashboard(request: HttpRequest) -> HttpResponse:
    """The staff home page as the user left it: same filter, sort and pages (a page that
    no longer exists, as the last alert of the last page is reviewed, shows the last one)."""
    query = _dashboard_query(request.GET).urlencode()
    return redirect(reverse("dashboard:home") + (f"?{query}" if query else ""))


_PATIENT_ID_MARK = 987654321


def _url_for_patient(name: str):
    """A function of a patient id giving the URL `name` with it, reversed only once."""
    prefix, suffix = reverse(name, args=[_PATIENT_ID_MARK]).split(str(_PATIENT_ID_MARK))
    return lambda patient_id: f"{prefix}{patient_id}{suffix}"


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """UTF-8 with a byte-order mark, so spreadsheets read accents right; every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


def _percent(value: int | None):
    return "" if value is None else value


@staff_required
@audits_patient("export")
@require_safe
def dashboard_export(request: HttpRequest) -> HttpResponse:
    member = request.staff
    audit_patient(request, None)
    form, home = _overview_for(request, member)
    if home is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    header = [
        _("Patient"),
        _("Physiotherapist"),
        _("Adherence 7 days (%)"),
        _("Done 7 days"),
        _("Due 7 days"),
        _("Adherence 30 days (%)"),
        _("Done 30 days"),
        _("Due 30 days"),
        _("Last session"),
        _("Streak (days)"),
        _("Latest pain"),
        _("Average pain 30 days"),
        _("Pain trend"),
        _("Needs attention"),
    ]

    def cells(row: PatientOverview):
        return [
            str(row.patient),
            str(row.patient.physiotherapist or ""),
            _percent(row.week.percent),
            row.week.completed,
            row.week.scheduled,
            _percent(row.month.percent),
            row.month.completed,
            row.month.scheduled,
            row.last_session_on.isoformat() if row.last_session_on else "",
            row.streak,
            row.latest_pain,
            "" if row.average_pain is None else round(row.average_pain, 1),
            row.pain_trend or "",
            "; ".join(str(reason.text) for reason in row.reasons),
        ]

    filename = f"limber-adherence-{member.clinic.today().isoformat()}.csv"
    return csv_response(filename, header, (cells(row) for row in home.rows))


class ReviewForm(forms.Form):
    last_session = forms.ModelChoiceField(queryset=Session.objects.none(), required=False)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_session"].queryset = patient.sessions.all()


@staff_required
@audits_patient()
@require_POST
def review(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Mark a patient's alert as looked at, for the data the staff member saw; then back
    to the staff home page as it was (`_back_to_dashboard`), or to the patient's progress
    page when it was marked there."""
    patient = _get_patient_for_staff(request, patient_id)
    form = ReviewForm(request.POST, patient=patient)
    if not form.is_valid():
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    rows = clinic_overview(clinic=patient.clinic, patient=patient)
    if request.POST.get("back") == "progress":
        back = redirect("dashboard:progress", patient.pk)
    else:
        back = _back_to_dashboard(request)
    if not rows or not rows[0].reasons:
        messages.info(request, _("%(patient)s needs no attention now.") % {"patient": patient})
        return back
    row = rows[0]
    attention_review_record(
        patient=patient,
        reviewed_by=request.user,
        reasons=[reason.code for reason in row.reasons],
        last_session=form.cleaned_data["last_session"],
        adherence_7=row.week.percent,
        latest_pain=row.latest_pain,
    )
    messages.success(request, _("Marked %(patient)s as reviewed.") % {"patient": patient})
    return back


def _calendar_state(day, today: datetime.date) -> str:
    """A calendar day's state; today stays open until what was due is done."""
    if day.date > today:
        return "future"
    if day.date == today and day.completed < day.scheduled:
        return "open"
    return day.state


def _pain_chart(reports: list[Session], start: datetime.date, days: int) -> dict:
    """Points of a server-drawn SVG line chart of pain (0–10) over the calendar's days."""
    width, height, left, top, bottom = 600, 200, 32, 10, 24
    plot_width, plot_height = width - left - 10, height - top - bottom
    points = []
    for session in reports:
        x = left + plot_width * (session.local_date - start).days / max(days - 1, 1)
        y = top + plot_height * (1 - session.pain / 10)
        points.append({"x": round(x, 1), "y": round(y, 1), "session": session})
    grid = [
        {"y": round(top + plot_height * (1 - level / 10), 1), "level": level}
        for level in (0, 5, 10)
    ]
    return {
        "first_day": start,
        "last_day": start + datetime.timedelta(days=days - 1),
        "label_y": height - 6,
        "width": width,
        "height": height,
        "left": left,
        "right": width - 10,
        "baseline": top + plot_height,
        "points": points,
        "polyline": " ".join(f"{point['x']},{point['y']}" for point in points),
        "grid": grid,
    }


def _pain_summary(reports: list[Session], trend: str | None) -> str:
    """The pain chart in one sentence, for people who cannot see it."""
    if not reports:
        return _("No pain was reported in the last 12 weeks.")
    pains = [session.pain for session in reports]
    trends = {"rising": _("rising"), "falling": _("falling"), "steady": _("steady")}
    summary = ngettext(
        "%(count)s pain report from %(first)s to %(last)s: average %(average)s, lowest "
        "%(low)s, highest %(high)s, latest %(latest)s of 10.",
        "%(count)s pain reports from %(first)s to %(last)s: average %(average)s, lowest "
        "%(low)s, highest %(high)s, latest %(latest)s of 10.",
        len(pains),
    ) % {
        "count": len(pains),
        "first": dates.short_date(reports[0].local_date),
        "last": dates.short_date(reports[-1].local_date),
        "average": formats.number_format(sum(pains) / len(pains), 1),
        "low": min(pains),
        "high": max(pains),
        "latest": pains[-1],
    }
    if trend:
        summary += " " + _("Over the last three reports it is %(trend)s.") % {
            "trend": trends[trend]
        }
    return summary


@staff_required
@audits_patient()
@require_safe
def progress(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    today = patient.clinic.today()
    end = today + datetime.timedelta(days=6 - today.weekday())
    start = end - datetime.timedelta(days=7 * CALENDAR_WEEKS - 1)
    calendar = patient_adherence(patient=patient, start=start, end=end)
    skipped_by_day = dict(
        Completion.objects.filter(
            patient=patient, status=Completion.Status.SKIPPED, session__local_date__gte=start
        )
        .values_list("session__local_date")
        .annotate(count=Count("id"))
        .order_by()
    )
    weeks = [
        [
            {
                "day": day,
                "state": _calendar_state(day, today),
                "today": day.date == today,
                "skipped": skipped_by_day.get(day.date, 0),
            }
            for day in calendar.days[week * 7 : week * 7 + 7]
        ]
        for week in range(CALENDAR_WEEKS)
    ]
    reports = list(
        Session.objects.filter(
            patient=patient,
            local_date__range=(start, today),
            finished_at__isnull=False,
            pain__isnull=False,
        ).order_by("local_date", "started_at", "id")
    )
    skipped = Completion.objects.filter(status=Completion.Status.SKIPPED).order_by(
        "recorded_at", "id"
    )
    recent = (
        Session.objects.filter(patient=patient)
        .select_related("assignment__routine")
        .prefetch_related(Prefetch("completions", queryset=skipped, to_attr="skipped"))
        .order_by("-local_date", "-started_at", "-id")[:RECENT_SESSIONS]
    )
    overview = clinic_overview(clinic=patient.clinic, patient=patient)
    context = {
        "patient": patient,
        "summary": overview[0] if overview else None,
        "period": calendar,
        "weeks": weeks,
        "today": today,
        "reports": reports,
        "chart": _pain_chart(reports, start, 7 * CALENDAR_WEEKS),
        "pain_summary": _pain_summary(reports, calendar.pain_trend),
        "recent": recent,
        "outcome_charts": staff_outcomes(
            patient=patient,
            adherence_days=lambda first, last: (
                patient_adherence(patient=patient, start=first, end=last).days
            ),
        ),
    }
    return render(request, "staff/progress.html", context)


@staff_required
@audits_patient("export")
@require_safe
def progress_export(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    sessions = (
        Session.objects.filter(patient=patient)
        .select_related("assignment__routine")
        .annotate(
            done=Count("completions", filter=Q(completions__status=Completion.Status.DONE)),
            skipped_count=Count(
                "completions", filter=Q(completions__status=Completion.Status.SKIPPED)
            ),
        )
        .prefetch_related(
            Prefetch(
                "completions",
                queryset=Completion.objects.filter(status=Completion.Status.SKIPPED),
                to_attr="skipped",
            )
        )
        .order_by("local_date", "started_at", "id")
    )
    zone = patient.clinic.zone
    header = [
        _("Date"),
        _("Started"),
        _("Finished"),
        _("Routine"),
        _("Completed"),
        _("Sets done"),
        _("Sets skipped"),
        _("Skipped steps (reason)"),
        _("Pain (0–10)"),
        _("How hard it felt"),
        _("Flagged"),
        _("Note"),
    ]

    def local_time(moment):
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    def cells(session: Session):
        return [
            session.local_date.isoformat(),
            local_time(session.started_at),
            local_time(session.finished_at),
            session.assignment.routine.name,
            _("yes") if session.is_finished else _("no"),
            session.done,
            session.skipped_count,
            "; ".join(
                f"{c.exercise_name} ({c.get_skip_reason_display()})" for c in session.skipped
            ),
            session.pain,
            session.get_effort_display(),
            _("yes") if session.flagged else _("no"),
            session.note,
        ]

    filename = f"limber-sessions-{patient.pk}-{patient.clinic.today().isoformat()}.csv"
    return csv_response(filename, header, (cells(session) for session in sessions))
