"""The plans' pages: assigning a routine (from a patient or from a routine), changing a
plan's schedule, pausing, resuming and ending it, and the patient dismissing a "plan
changed" notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_action, audit_patient, audits_patient
from patients.models import Assignment, Patient
from patients.plans import services
from patients.plans.forms import AssignForm, ScheduleForm
from patients.plans.services import assignment_change_seen, assignment_create
from routines.builder.selectors import routines_for_clinic
from routines.models import Routine


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


@login_required
@audits_patient()
@require_POST
def plan_change_seen(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The patient has read what changed in their plan: hide the notice."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("patient"),
        id=assignment_id,
        patient__user=request.user,
        patient__archived_at__isnull=True,
    )
    audit_patient(request, assignment.patient)
    assignment_change_seen(assignment=assignment)
    return redirect("home")
