"""The plans' pages: assigning a routine (from a patient or from a routine), changing a
plan's schedule, pausing, resuming and ending it, and the patient dismissing a "plan
changed" notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_action, audit_patient, audits_patient
from patients.models import Assignment, Patient
from patients.plans import services
from patients.plans.forms import AssignForm, ScheduleForm
from patients.plans.schedule import schedule_in_words
from patients.plans.services import assignment_change_seen, assignment_create
from routines.builder.selectors import routine_for_builder, routines_for_clinic
from routines.builder.views import handout_context
from routines.models import Routine

PATIENT_CHOICES = 50


def _family_name_first(patient: Patient) -> str:
    return f"{patient.last_name}, {patient.first_name}" if patient.last_name else str(patient)


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    """One of the staff member's clinic's patients, or 404."""
    patients = Patient.objects.select_related("clinic", "user")
    patient = get_object_or_404(patients, id=patient_id, clinic=request.staff.clinic)
    audit_patient(request, patient)
    return patient


def _get_assignment_for_staff(request: HttpRequest, assignment_id: int) -> Assignment:
    assignments = Assignment.objects.select_related("patient__clinic", "patient__user", "routine")
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
    try:
        assignment_create(
            patient=patient, routine=routine, created_by=request.user, **form.schedule()
        )
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return render(request, "staff/assign.html", context, status=400)
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
    # A clinic may have thousands of patients: the list offers the first matches of a
    # search (by family name), while any of the clinic's patients is accepted.
    q = request.GET.get("q", "").strip()[:100]
    found = patients.order_by("last_name", "first_name", "id")
    if q:
        found = found.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    shown = list(found[: PATIENT_CHOICES + 1])
    form.fields["patient"].widget.choices = [("", "---------")] + [
        (
            patient.pk,
            f"{patient.last_name}, {patient.first_name}" if patient.last_name else str(patient),
        )
        for patient in shown[:PATIENT_CHOICES]
    ]
    form.patient_search = {"q": q, "more": len(shown) > PATIENT_CHOICES, "count": len(shown)}
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


@staff_required
@audits_patient()
@require_safe
def assignment_handout(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The printed handout of a patient's plan: the routine's handout with the patient's name,
    their schedule, the clinic's contact details and a QR code to their own sign-in.

    A patient who has a sign-in gets the sign-in page with their username filled in. One who
    hasn't joined yet gets the plain sign-in page and is told to use their invitation first:
    an invitation's link is shown once when it is made (only its hash is kept), and a link
    printed on paper that outlives the invitation must never carry a token.
    """
    assignment = _get_assignment_for_staff(request, assignment_id)
    patient = assignment.patient
    routine = routine_for_builder(assignment.routine_id, clinic=request.staff.clinic)
    if routine is None:
        raise Http404
    sign_in_url = request.build_absolute_uri(reverse("login"))
    if patient.user is not None:
        sign_in_url += "?" + urlencode({"username": patient.user.get_username()})
        caption = _("Scan to sign in and follow your routine:")
    else:
        caption = _(
            "First create your sign-in with the invitation link from your physiotherapist. "
            "Then scan to sign in:"
        )
    context = {
        **handout_context(routine=routine, sign_in_url=sign_in_url),
        "patient_name": str(patient),
        "schedule": schedule_in_words(assignment),
        "clinic": patient.clinic,
        "qr_caption": caption,
        "back_url": reverse("staff:patient_detail", args=[patient.id]),
        "back_label": _("Back to the patient"),
    }
    return render(request, "routines/handout.html", context)
