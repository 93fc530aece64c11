"""The audit trail for clinic admins: browse, filter and export their clinic's trail."""

import csv
import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from clinic.access import staff_member
from clinic.models import AuditEvent, Clinic, User
from clinic.spreadsheets import spreadsheet_safe
from clinic.validators import validate_date_in_range

PAGE_SIZE = 50
# The trail names patients (patients.Patient) through its own relation: the clinic package
# never imports the patients app (imports run patients -> routines -> clinic).
Patient = AuditEvent._meta.get_field("patient").related_model


class AuditFilterForm(forms.Form):
    patient = forms.ModelChoiceField(Patient.objects.none(), label=_("Patient"), required=False)
    user = forms.ModelChoiceField(User.objects.none(), label=_("User"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )

    def __init__(self, *args, clinic: Clinic | None, **kwargs):
        super().__init__(*args, **kwargs)
        patients = Patient.objects.all()
        users = User.objects.all()
        if clinic is not None:
            patients = patients.filter(clinic=clinic)
            users = users.filter(Q(staff__clinic=clinic) | Q(patient__clinic=clinic))
        self.fields["patient"].queryset = patients
        self.fields["user"].queryset = users.order_by("username")
        self.clinic = clinic

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filter(self, events: QuerySet) -> QuerySet:
        data = self.cleaned_data
        zone = self.clinic.zone if self.clinic else timezone.get_current_timezone()
        if data.get("patient"):
            events = events.filter(patient=data["patient"])
        if data.get("user"):
            events = events.filter(user=data["user"])
        if data.get("date_from"):
            start = datetime.datetime.combine(data["date_from"], datetime.time(), tzinfo=zone)
            events = events.filter(at__gte=start)
        if data.get("date_to"):
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
            )
            events = events.filter(at__lt=end)
        return events


def _get_clinic_for_admin(request: HttpRequest) -> Clinic | None:
    """The clinic whose trail the user may read (None: every clinic, for the operator)."""
    if request.user.is_superuser:
        return None
    member = staff_member(request.user)
    if member is None or not member.is_clinic_admin:
        raise PermissionDenied
    return member.clinic


def _filtered_events(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet | None]:
    clinic = _get_clinic_for_admin(request)
    form = AuditFilterForm(request.GET or None, clinic=clinic)
    events = AuditEvent.objects.select_related("user", "patient")
    if clinic is not None:
        events = events.filter(clinic=clinic)
    if not form.is_bound:
        form.cleaned_data = {}
        return form, events
    if not form.is_valid():
        return form, None
    return form, form.filter(events)


@login_required
@require_safe
def audit_trail(request: HttpRequest) -> HttpResponse:
    form, events = _filtered_events(request)
    if events is None:
        return render(request, "clinic/audit_trail.html", {"form": form}, status=400)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "clinic": form.clinic}
    # On the clinic's clock; the operator, who reads every clinic's, on the server's.
    context["zone"] = form.clinic.zone if form.clinic is not None else None
    return render(request, "clinic/audit_trail.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_safe
def audit_trail_csv(request: HttpRequest) -> HttpResponse:
    form, events = _filtered_events(request)
    if events is None:
        return render(request, "clinic/audit_trail.html", {"form": form}, status=400)
    writer = csv.writer(_Echo())
    header = ["at", "user", "patient_id", "patient", "action", "page", "method", "status"]
    header += ["request_id", "ip"]

    def rows():
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=500):
            yield writer.writerow(
                spreadsheet_safe(value)
                for value in [
                    event.at.isoformat(),
                    event.user.username if event.user else "",
                    event.patient_id or "",
                    str(event.patient) if event.patient else "",
                    event.action,
                    event.path_name,
                    event.method,
                    event.status_code or "",
                    event.request_id,
                    event.ip or "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="limber-audit-{timezone.now():%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response
