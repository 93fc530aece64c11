"""The audit trail: who read or changed which patient's data, when, and by which request.

Every page or API endpoint that shows or changes a patient's data records exactly one
AuditEvent per successful request, and never any clinical content (no notes, pain, names).

How a page records its access
-----------------------------
A function view: decorate it and say which patient it resolved::

    @login_required
    @audits_patient()                       # "view" for GET/HEAD, "change" for POST & co.
    def patient_detail(request, patient_id):
        patient = _get_patient_for_staff(request, patient_id)
        audit_patient(request, patient)     # usually inside the _get_…() helper
        ...

A page listing many patients calls ``audit_patient(request, None)``: the row then names
the clinic but no single patient. The row is written after the view returns a response
below 400, so a 404 for another clinic's patient writes nothing.

A DRF view or viewset: add ``AuditedAPIMixin`` (first) and call ``audit_patient`` where
the object is resolved (``get_object()``/``get_queryset()``); set ``audit_action`` to
force an action (clinic.audit.api). A Django admin: ``clinic.audit.admin.AuditedAdminMixin``.

For a one-off record outside a request/response cycle (a service called by an admin
action), call ``audit_record(request, patient=..., action=...)`` directly.

The decorator and mixins mark the view (``view.audit_action``), which is how the test
suite finds every patient-data URL (clinic.audit.coverage, tests/security/test_audit.py).
"""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from clinic import sql
from clinic.access import staff_member
from clinic.middleware import client_ip
from clinic.models import AuditEvent

_UNSET = object()


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _django_request(request) -> HttpRequest:
    # DRF wraps the HttpRequest; the audit notes live on the real one.
    return getattr(request, "_request", request)


def _path_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
    return (match.view_name or "")[:200]


def action_for_method(request: HttpRequest) -> str:
    return AuditEvent.Action.VIEW if request.method in _SAFE_METHODS else AuditEvent.Action.CHANGE


def audit_record(
    request, *, patient, action: str, status_code: int | None = None, user=_UNSET
) -> AuditEvent:
    """Write one audit row for `request` about `patient` (None: several patients).

    `user` defaults to the signed-in user; a page used before sign-in (password reset)
    names the account it acted on, or None.
    """
    request = _django_request(request)
    if user is _UNSET:
        user = request.user if request.user.is_authenticated else None
    clinic_id = getattr(patient, "clinic_id", None)
    if clinic_id is None and user is not None:
        member = staff_member(user)
        clinic_id = member.clinic_id if member is not None else None
    event = AuditEvent(
        user=user,
        clinic_id=clinic_id,
        patient=patient,
        action=action,
        path_name=_path_name(request),
        method=(request.method or "")[:10],
        status_code=status_code,
        request_id=getattr(request, "request_id", "")[:64],
        ip=client_ip(request),
    )
    # One row on every patient-data request: a plain INSERT skips the ORM's compiler
    # (clinic.sql). AuditEvent.save() adds only the append-only check, which a new row passes.
    sql.insert(event)
    return event


def audit_patient(request, patient) -> None:
    """Name the patient whose data this request reads or changes (None: many patients)."""
    _django_request(request)._audit_patient = patient


def audit_action(request, action: str) -> None:
    """Override the action recorded for this request (e.g. "export", "create")."""
    _django_request(request)._audit_action = action


def record_if_marked(request, response: HttpResponse, default_action: str | None) -> None:
    """Write the request's one audit row if it succeeded and named its patient."""
    request = _django_request(request)
    if response.status_code >= 400 or getattr(request, "_audit_recorded", False):
        return
    patient = getattr(request, "_audit_patient", _UNSET)
    if patient is _UNSET:
        return
    action = getattr(request, "_audit_action", None) or default_action
    audit_record(
        request,
        patient=patient,
        action=action or action_for_method(request),
        status_code=response.status_code,
    )
    request._audit_recorded = True


def audits_patient(action: str | None = None) -> Callable:
    """Record one audit row after a successful response of the decorated view.

    The view names its patient with ``audit_patient(request, patient)``. `action` is fixed
    ("export"), or by default "view" for GET/HEAD and "change" for other methods.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            record_if_marked(request, response, action)
            return response

        wrapper.audit_action = action or "by method"
        return wrapper

    return decorator
