"""A patient's own account pages: accepting an invitation, dismissing a "plan changed" notice."""

import datetime

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinic.audit import audit_patient, audits_patient
from clinic.throttle import INVITATION, throttle_failure, throttle_retry_after, too_many_guesses

from .forms import InviteAcceptForm
from .models import Assignment
from .staff_selectors import invitation_for_token
from .staff_services import assignment_change_seen, invitation_accept, invitation_problem

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
    login(request, user, backend="clinic.signin.RoleBackend")
    if not with_password:
        request.session.set_expiry(DEVICE_SESSION_AGE)
    return redirect("home")


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
