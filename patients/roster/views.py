"""The roster's pages: the staff's patient list, a patient's page, adding, editing,
archiving and inviting a patient; and the patient accepting their invitation."""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_action, audit_patient, audits_patient
from clinic.throttle import INVITATION, throttle_failure, throttle_retry_after, too_many_guesses
from patients.models import Patient
from patients.plans.forms import WEEKDAY_CHOICES
from patients.roster import services
from patients.roster.forms import InviteAcceptForm, PatientForm, RosterFilterForm
from patients.roster.selectors import (
    clinic_staff,
    invitation_for_token,
    patient_for_staff_page,
    roster,
)
from patients.roster.services import invitation_accept, invitation_problem

PAGE_SIZE = 50


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    """One of the staff member's clinic's patients, or 404."""
    patients = Patient.objects.select_related("clinic", "user")
    patient = get_object_or_404(patients, id=patient_id, clinic=request.staff.clinic)
    audit_patient(request, patient)
    return patient


def _back_to_patient(patient_id: int) -> HttpResponse:
    return redirect("staff:patient_detail", patient_id)


@staff_required
@audits_patient("list")
@require_safe
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
@require_safe
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


# "Stay signed in on this device": the session outlives the browser for this long.
DEVICE_SESSION_AGE = datetime.timedelta(days=180)


@never_cache
@audits_patient()
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    retry_after = throttle_retry_after(scope=INVITATION, request=request)
    if retry_after is not None:
        return too_many_guesses(request, retry_after)
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    if problem:
        if invitation is None:  # a token no invitation has: a guess, or a mistyped link
            throttle_failure(scope=INVITATION, request=request)
        status = 404 if invitation is None else 410
        return render(request, "invite/problem.html", {"problem": problem}, status=status)
    patient = invitation.patient
    audit_patient(request, patient)
    form = InviteAcceptForm(request.POST or None, patient=patient)
    context = {"form": form, "patient": patient}
    if request.method != "POST":
        return render(request, "invite/accept.html", context)
    if not form.is_valid():
        return render(request, "invite/accept.html", context, status=400)
    with_password = form.cleaned_data["mode"] == InviteAcceptForm.PASSWORD
    try:
        user = invitation_accept(
            invitation=invitation,
            username=form.cleaned_data["username"] if with_password else None,
            password=form.cleaned_data["password1"] if with_password else None,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "invite/accept.html", context, status=400)
    login(request, user, backend="clinic.accounts.signin.RoleBackend")
    if not with_password:
        request.session.set_expiry(DEVICE_SESSION_AGE)
    return redirect("home")
