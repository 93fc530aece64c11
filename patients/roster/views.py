"""The staff workspace's patient pages: roster, patient, invitation, assignment."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic.audit import audit_action, audit_patient, audits_patient
from clinic.decorators import staff_required
from routines.models import Routine
from routines.selectors import routines_for_clinic

from . import staff_services as services
from .forms import WEEKDAY_CHOICES, AssignForm, PatientForm, RosterFilterForm, ScheduleForm
from .models import Assignment, Patient
from .services import assignment_create
from .staff_selectors import clinic_staff, patient_for_staff_page, roster

PAGE_SIZE = 50


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    """One of the staff member's clinic's patients, or 404."""
    patients = Patient.objects.select_related("clinic", "user")
    patient = get_object_or_404(patients, id=patient_id, clinic=request.staff.clinic)
    audit_patient(request, patient)
    return patient


def _get_assignment_for_staff(request: HttpRequest, assignment_id: int) -> Assignment:
    assignments = Assignment.objects.select_related("patient__clinic", "routine")
    assignment = get_object_or_404(
        assignments, id=assignment_id, patient__clinic=request.staff.clinic
    )
    audit_patient(request, assignment.patient)
    return assignment


def _get_assignable_routine_for_staff(request: HttpRequest, routine_id: int) -> Routine:
    return get_object_or_404(routines_for_clinic(clinic=request.staff.clinic), id=routine_id)


def _back_to_patient(patient_id: int) -> HttpResponse:
    return redirect("staff:patient_detail", patient_id)


@staff_required
@audits_patient("list")
def patient_list(request: HttpRequest) -> HttpResponse:
    audit_patient(request, None)
    staff = clinic_staff(clinic=request.staff.clinic)
    form = RosterFilterForm(request.GET, staff=staff)
    filters = form.cleaned_data if form.is_valid() else {}
    patients = roster(clinic=request.staff.clinic, **filters)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "staff/patient_list.html", context)


@staff_required
@audits_patient()
def patient_create(request: HttpRequest) -> HttpResponse:
    # The empty form names no patient yet (as the admin's add form); a saved one names its own.
    audit_patient(request, None)
    staff = clinic_staff(clinic=request.staff.clinic)
    initial = {"physiotherapist": request.staff}
    form = PatientForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            patient = services.patient_create(clinic=request.staff.clinic, **form.cleaned_data)
            audit_patient(request, patient)
            audit_action(request, "create")
            messages.success(request, _("Patient added. Next: assign a routine and invite them."))
            return _back_to_patient(patient.id)
        return render(request, "staff/patient_form.html", {"form": form}, status=400)
    return render(request, "staff/patient_form.html", {"form": form})


@staff_required
@audits_patient()
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_staff_page(patient_id, clinic=request.staff.clinic)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    today = patient.clinic.today()
    for assignment in patient.all_assignments:
        assignment.is_paused = bool(assignment.open_pauses)
        assignment.is_over = assignment.ends_on is not None and assignment.ends_on < today
        assignment.weekday_names = [
            label for day, label in WEEKDAY_CHOICES if assignment.runs_on_weekday(day)
        ]
    open_invitation = next(
        (
            invitation
            for invitation in patient.all_invitations
            if services.invitation_problem(invitation) is None
        ),
        None,
    )
    context = {"patient": patient, "open_invitation": open_invitation, "today": today}
    return render(request, "staff/patient_detail.html", context)


@staff_required
@audits_patient()
def patient_update(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    staff = clinic_staff(clinic=request.staff.clinic)
    form = PatientForm(request.POST or None, instance=patient, staff=staff)
    context = {"form": form, "patient": patient}
    if request.method == "POST":
        if form.is_valid():
            services.patient_update(patient=patient, **form.cleaned_data)
            messages.success(request, _("Patient saved."))
            return _back_to_patient(patient.id)
        return render(request, "staff/patient_form.html", context, status=400)
    return render(request, "staff/patient_form.html", context)


@staff_required
@audits_patient()
@require_POST
def patient_archive(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    services.patient_archive(patient=patient)
    messages.success(request, _("Patient archived: their sign-in no longer works."))
    return _back_to_patient(patient.id)


@staff_required
@audits_patient()
@require_POST
def patient_restore(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    services.patient_restore(patient=patient)
    messages.success(request, _("Patient restored."))
    return _back_to_patient(patient.id)


@staff_required
@audits_patient()
@require_POST
def patient_invite(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Issue an invitation and show it once: the token is not stored, only its hash."""
    patient = _get_patient_for_staff(request, patient_id)
    try:
        invitation, token = services.invitation_create(patient=patient, created_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_patient(patient.id)
    url = request.build_absolute_uri(reverse("account:invite_accept", args=[token]))
    if patient.email:
        services.invitation_send_email(invitation=invitation, url=url)
    qr = segno.make(url, error="m").svg_inline(
        scale=4, svgclass="qr", title=_("QR code of the invitation link"), lineclass=None
    )
    context = {"patient": patient, "invitation": invitation, "url": url, "qr_svg": qr}
    return render(request, "staff/invitation.html", context)


@staff_required
@audits_patient()
@require_POST
def patient_revoke_access(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    services.patient_access_revoke(patient=patient)
    messages.success(request, _("Access revoked: the patient can no longer sign in."))
    return _back_to_patient(patient.id)


def _assign(request: HttpRequest, form: AssignForm, *, patient=None, routine=None):
    context = {"form": form, "patient": patient, "routine": routine}
    # From a routine, the form lists the clinic's patients until one is chosen.
    audit_patient(request, patient)
    if request.method != "POST":
        return render(request, "staff/assign.html", context)
    if not form.is_valid():
        return render(request, "staff/assign.html", context, status=400)
    patient = patient or form.cleaned_data["patient"]
    audit_patient(request, patient)
    routine = routine or form.cleaned_data["routine"]
    assignment_create(patient=patient, routine=routine, created_by=request.user, **form.schedule())
    audit_action(request, "create")
    messages.success(
        request,
        _("%(patient)s now has their own copy of %(routine)s.")
        % {"patient": patient, "routine": routine},
    )
    return _back_to_patient(patient.id)


def _assign_initial(request: HttpRequest) -> dict:
    return {"starts_on": request.staff.clinic.today(), "weekdays": [], "sessions_per_day": 1}


@staff_required
@audits_patient()
def assign_to_patient(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    if patient.archived_at is not None:
        raise Http404
    routines = routines_for_clinic(clinic=request.staff.clinic)
    form = AssignForm(request.POST or None, routines=routines, initial=_assign_initial(request))
    return _assign(request, form, patient=patient)


@staff_required
@audits_patient()
def assign_routine(request: HttpRequest, routine_id: int) -> HttpResponse:
    routine = _get_assignable_routine_for_staff(request, routine_id)
    patients = Patient.objects.filter(clinic=request.staff.clinic, archived_at__isnull=True)
    form = AssignForm(request.POST or None, patients=patients, initial=_assign_initial(request))
    return _assign(request, form, routine=routine)


@staff_required
@audits_patient()
def assignment_schedule(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _get_assignment_for_staff(request, assignment_id)
    form = ScheduleForm(request.POST or None, initial=ScheduleForm.initial_for(assignment))
    context = {"form": form, "assignment": assignment}
    if request.method == "POST":
        if form.is_valid():
            services.assignment_schedule(assignment=assignment, **form.schedule())
            messages.success(request, _("Schedule saved; the patient will be told."))
            return _back_to_patient(assignment.patient_id)
        return render(request, "staff/schedule.html", context, status=400)
    return render(request, "staff/schedule.html", context)


def _assignment_action(request: HttpRequest, assignment_id: int, action, done: str):
    assignment = _get_assignment_for_staff(request, assignment_id)
    try:
        action(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back_to_patient(assignment.patient_id)


@staff_required
@audits_patient()
@require_POST
def assignment_pause(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _assignment_action(
        request, assignment_id, services.assignment_pause, _("Plan paused from today.")
    )


@staff_required
@audits_patient()
@require_POST
def assignment_resume(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _assignment_action(
        request, assignment_id, services.assignment_resume, _("Plan resumed from today.")
    )


@staff_required
@audits_patient()
@require_POST
def assignment_end(request: HttpRequest, assignment_id: int) -> HttpResponse:
    return _assignment_action(request, assignment_id, services.assignment_end, _("Plan ended."))
