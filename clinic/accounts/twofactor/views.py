"""The second sign-in step for staff: enter a code, or set up an authenticator app first."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from clinic.accounts.decorators import clinic_admin_required
from clinic.accounts.signin import IS_STAFF
from clinic.accounts.twofactor.forms import ClinicTwoFactorForm, CodeForm, EnrolForm
from clinic.accounts.twofactor.lockout import code_failed, code_step_locked, code_succeeded
from clinic.accounts.twofactor.services import (
    clinic_set_two_factor,
    code_verify,
    totp_device_confirm,
    totp_device_start,
)
from clinic.accounts.twofactor.state import PENDING, is_verified
from clinic.audit.trail import audit_record
from clinic.models import AuditEvent
from clinic.security_views import locked_out


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


def _get_user_for_second_step(request: HttpRequest):
    """The signed-in staff member; patients are never offered a second step (404)."""
    if not request.session.get(IS_STAFF):
        raise Http404
    return request.user


def _verified(request: HttpRequest, device) -> None:
    # A new session key for the raised trust, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING, None)
    code_succeeded(request, request.user)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = _get_user_for_second_step(request)
    next_url = _next_url(request)
    if is_verified(request):
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(reverse("two_factor:enrol") + "?" + urlencode({"next": next_url}))
    if code_step_locked(request, user):
        return locked_out(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = code_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            _verified(request, device)
            return redirect(next_url)
        code_failed(request, user)
        if code_step_locked(request, user):
            return locked_out(request)
        form.add_error(
            "code",
            _(
                "That code is not right. Wait a few seconds (each wrong code slows the next "
                "try), check that the time on your phone is right and try again, or use one of "
                "your recovery codes."
            ),
        )
    if form.errors:
        status = 400
    return render(
        request, "two_factor/verify.html", {"form": form, "next": next_url}, status=status
    )


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = _get_user_for_second_step(request)
    next_url = _next_url(request)
    if user_has_device(user):
        # Replacing a device needs the old one first (or an admin's reset).
        if not is_verified(request):
            return redirect(reverse("two_factor:verify") + "?" + urlencode({"next": next_url}))
        messages.info(request, _("Two-step sign-in is already set up."))
        return redirect(next_url)
    if code_step_locked(request, user):
        return locked_out(request)
    device = totp_device_start(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            _verified(request, device)
            audit_record(request, patient=None, action=AuditEvent.Action.CREATE)
            return render(
                request, "two_factor/recovery_codes.html", {"codes": codes, "next": next_url}
            )
        code_failed(request, user)
        if code_step_locked(request, user):
            return locked_out(request)
        form.add_error(
            "code",
            _("That code is not right. Check that the time on your phone is right and try again."),
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "two_factor/enrol.html", context, status=400 if form.errors else 200)


@clinic_admin_required
@require_POST
def clinic_setting(request: HttpRequest) -> HttpResponse:
    """The clinic admin asks (or stops asking) every physiotherapist for a second step."""
    form = ClinicTwoFactorForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    required = form.cleaned_data.get("required", False)
    clinic_set_two_factor(clinic=request.staff.clinic, required=required)
    messages.success(
        request,
        _("Physiotherapists now confirm each sign-in with a code.")
        if required
        else _("Physiotherapists sign in with their password only, unless they set up a code."),
    )
    return redirect("team:staff_list")
