"""The patient's reminder settings, the push subscription endpoint, the calendar feed, the
one-click unsubscribe, and the staff's "Send a reminder now" and calendar reset."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from clinic.accounts.decorators import staff_required
from clinic.audit.trail import audit_patient, audits_patient
from patients.access import patient_of_user
from patients.models import Patient

from . import schedule, selectors, services
from .calendar import calendar_feed
from .forms import ReminderSettingsForm
from .sending import absolute_url


def _get_patient_for_user(request: HttpRequest) -> Patient:
    """The signed-in patient, or 404 for staff and users without a patient record."""
    patient = patient_of_user(request.user)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    return patient


def _get_patient_for_staff(request: HttpRequest, patient_id: int) -> Patient:
    """One of the staff member's clinic's patients, or 404."""
    patient = get_object_or_404(
        Patient.objects.select_related("clinic"), id=patient_id, clinic=request.staff.clinic
    )
    audit_patient(request, patient)
    return patient


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _initial(patient: Patient) -> dict:
    choices = schedule.choices_for(patient)
    own = getattr(patient, "reminder_settings", None)
    mask = choices.weekdays if choices.weekdays is not None else 0b1111111
    return {
        "channels": choices.channels,
        "weekdays": [day for day in range(7) if mask & (1 << day)],
        "times": ", ".join(moment.strftime("%H:%M") for moment in choices.times),
        "second_nudge_at": choices.second_nudge_at,
        "quiet_from": choices.quiet_from,
        "quiet_until": choices.quiet_until,
        "timezone": own.timezone if own is not None else "",
    }


def feed_url(row) -> str | None:
    if row is None or not row.feed_id:
        return None
    return absolute_url(
        reverse("reminders:calendar_feed", args=[services.calendar_feed_token(row)])
    )


@login_required
@audits_patient()
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    form = ReminderSettingsForm(
        request.POST or None, initial=_initial(patient), clinic_zone=patient.clinic.timezone
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_settings_update(patient=patient, **form.service_arguments())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your reminders are saved."))
            return redirect("reminders:settings")
    own = getattr(patient, "reminder_settings", None)
    context = {
        "patient": patient,
        "form": form,
        "feed_url": feed_url(own),
        "push_available": services.push_configured(),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "log": selectors.delivery_log(patient=patient, limit=10),
        "zone": schedule.choices_for(patient).zone,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reminders/settings.html", context, status=status)


@login_required
@audits_patient()
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    patient = _get_patient_for_user(request)
    services.calendar_feed_reset(patient=patient)
    messages.success(request, _("Your calendar has a new link. The old link no longer works."))
    return redirect(reverse("reminders:settings") + "#calendar")


@login_required
@audits_patient()
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """The browser's PushSubscription (its toJSON()), posted by static/limber/reminders.js
    as JSON; the same three fields as a form are taken too."""
    patient = _get_patient_for_user(request)
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
            keys = body.get("keys") or {}
            endpoint, p256dh, auth = body.get("endpoint"), keys.get("p256dh"), keys.get("auth")
        except (ValueError, AttributeError):
            return JsonResponse({"errors": {"": [_("Send the subscription as JSON.")]}}, status=400)
    else:
        endpoint, p256dh, auth = (request.POST.get(name) for name in ("endpoint", "p256dh", "auth"))
    if not all(isinstance(value, str) for value in (endpoint, p256dh, auth)):
        return JsonResponse(
            {"errors": {"endpoint": [_("A push subscription has an endpoint and two keys.")]}},
            status=400,
        )
    try:
        services.push_subscription_save(
            patient=patient, endpoint=endpoint, p256dh=p256dh, auth=auth
        )
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse({"detail": _("Notifications are on for this device.")}, status=201)


# The one-click unsubscribe comes from the mail provider (RFC 8058): no session, no CSRF
# token. The signed token in the URL is what authorises it, and a POST with a valid token
# can do one thing only: turn email reminders off.
@csrf_exempt
@audits_patient()
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    patient = services.patient_for_unsubscribe_token(token)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    if request.method == "POST":
        services.reminders_email_off(patient=patient)
        return render(request, "reminders/unsubscribed.html", {"patient": patient})
    return render(request, "reminders/unsubscribe.html", {"patient": patient, "token": token})


@audits_patient()
@require_http_methods(["GET", "HEAD"])
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: no sign-in (calendar apps cannot), the secret URL is the key."""
    row = services.settings_for_feed_token(token)
    if row is None:
        raise Http404
    audit_patient(request, row.patient)
    response = HttpResponse(calendar_feed(row.patient), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _back(request: HttpRequest, patient: Patient) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("staff:patient_detail", args=[patient.id])
    return redirect(target)


@staff_required
@audits_patient()
@require_POST
def staff_nudge(request: HttpRequest, patient_id: int) -> HttpResponse:
    """ "Send a reminder now": recorded now, sent by the worker within seconds."""
    patient = _get_patient_for_staff(request, patient_id)
    try:
        services.reminder_nudge(patient=patient, requested_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A reminder is on its way to %(name)s.") % {"name": patient.first_name}
        )
    return _back(request, patient)


@staff_required
@audits_patient()
@require_POST
def staff_calendar_reset(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _get_patient_for_staff(request, patient_id)
    services.calendar_feed_reset(patient=patient)
    messages.success(
        request, _("The patient's calendar link was reset; the old link no longer works.")
    )
    return _back(request, patient)
