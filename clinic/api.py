"""What every API endpoint shares: one error format, pagination, and who may call what.

Every error answers the same JSON object::

    {"code": "invalid", "detail": "Check the fields.", "fields": {"step": ["…"]}}

`code` is machine-readable (DRF's error code: `invalid`, `not_authenticated`,
`permission_denied`, `not_found`, `method_not_allowed`, `unsupported_media_type`,
`conflict`, `throttled`, …), `detail` is a sentence for people and `fields` holds the
messages per field of a refused input (empty for other errors). Services raise Django's
ValidationError; it becomes a 400 like a serializer's.
"""

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import page_not_found
from django.views.defaults import server_error as django_server_error
from rest_framework import exceptions, pagination, permissions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from patients.selectors import patient_of_user

from .access import staff_member
from .audit import AuditedAPIMixin, audit_patient


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This conflicts with what is already stored.")
    default_code = "conflict"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "steps.0.sets": [...]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            fields.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        fields = {}
        for index, value in enumerate(detail):
            fields.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    items = detail if isinstance(detail, list) else [detail]
    return {prefix: [str(item) for item in items]} if items else {}


def _constraint_of(message: str) -> tuple[models.BaseConstraint, str | None] | None:
    """The model constraint whose violation reads `message`, and the field a person would
    correct: a unique constraint's own field (not the clinic or parent it is scoped by), a
    check constraint's first field."""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if str(constraint.get_violation_error_message()) != message:
                continue
            if isinstance(constraint, models.UniqueConstraint):
                own = [name for name in constraint.fields if not _is_relation(model, name)]
                return constraint, (own or list(constraint.fields) or [None])[-1]
            condition = getattr(constraint, "condition", None)
            return constraint, _first_field(condition) if condition is not None else None
    return None


def _is_relation(model, name: str) -> bool:
    return model._meta.get_field(name).is_relation


def _first_field(condition: Q) -> str | None:
    for child in condition.children:
        if isinstance(child, Q):
            found = _first_field(child)
            if found:
                return found
        else:
            return child[0].split(LOOKUP_SEP)[0]
    return None


def _non_field_errors(errors: list[DjangoValidationError]) -> dict[str, list[str]]:
    """A model constraint's violation (full_clean names no field for it) as an error of
    its field, in words; other general errors stay general."""
    detail: dict[str, list[str]] = {}
    for error in errors:
        for message in error.messages:
            found = _constraint_of(message)
            field = api_settings.NON_FIELD_ERRORS_KEY
            if found is not None:
                constraint, field = found[0], found[1] or field
                if message == str(constraint.default_violation_error_message) % {
                    "name": constraint.name
                }:
                    message = _("This value conflicts with what is already stored.")
            detail.setdefault(field, []).append(message)
    return detail


def _django_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail: dict[str, list[str]] = {}
        for field, errors in exc.error_dict.items():
            if field == NON_FIELD_ERRORS:
                for name, messages in _non_field_errors(errors).items():
                    detail.setdefault(name, []).extend(messages)
            else:
                messages = [str(message) for error in errors for message in error.messages]
                detail.setdefault(field, []).extend(messages)
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError(detail)


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "detail": detail, "fields": fields or {}}


def exception_handler(exc, context):
    """Every error in the one format above; a service's ValidationError is a 400."""
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.pop(api_settings.NON_FIELD_ERRORS_KEY, None) or fields.pop("", None)
        detail = " ".join(general) if general else _("Check the fields and try again.")
        response.data = error_body("invalid", detail, fields)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(code, str(exc.detail))
    elif isinstance(exc, Http404):
        response.data = error_body("not_found", str(exceptions.NotFound.default_detail))
    else:
        response.data = error_body("permission_denied", str(response.data.get("detail", "")))
    return response


def not_found(request, exception=None):
    """Django's 404 handler: in the API's format under /api/, the usual page elsewhere."""
    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    return JsonResponse(
        error_body("not_found", str(exceptions.NotFound.default_detail)),
        status=status.HTTP_404_NOT_FOUND,
    )


def server_error(request):
    """Django's 500 handler: in the API's format under /api/, the usual page elsewhere."""
    if not request.path.startswith("/api/"):
        return django_server_error(request)
    return JsonResponse(
        error_body("error", _("Something went wrong on our side. Please try again.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


class Pagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (1 to 200, default 50). A page size outside that is refused
    rather than quietly changed."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = _("Use a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


def _method_is_answered(request, view) -> bool:
    """A method the endpoint does not have gets 405 (with Allow), whoever asks."""
    return request.method in view.allowed_methods


class IsStaffMember(permissions.BasePermission):
    """Staff of a clinic. Anyone else signed in gets 404, as on the staff pages."""

    def has_permission(self, request, view) -> bool:
        if not _method_is_answered(request, view):
            return True
        if not request.user.is_authenticated:
            return False
        if staff_member(request.user) is None:
            raise exceptions.NotFound
        return True


class IsPatient(permissions.BasePermission):
    """An active patient with an account. Anyone else signed in gets 404, as on their pages."""

    def has_permission(self, request, view) -> bool:
        if not _method_is_answered(request, view):
            return True
        if not request.user.is_authenticated:
            return False
        patient = patient_of_user(request.user)
        if patient is None:
            raise exceptions.NotFound
        request.patient = patient
        return True


def paginated(view, queryset, serializer_class) -> Response:
    page = view.paginate_queryset(queryset)
    data = serializer_class(page, many=True, context=view.get_serializer_context()).data
    return view.get_paginated_response(data)


class AuditedPatientDataMixin(AuditedAPIMixin):
    """Records each successful request in the audit trail (clinic.audit): a list names no
    single patient, an object names its patient (`audit_patient_of(obj)`)."""

    def audit_patient_of(self, obj):
        return obj.patient

    def get_object(self):
        obj = super().get_object()
        audit_patient(self.request, self.audit_patient_of(obj))
        return obj

    def list(self, request, *args, **kwargs):
        audit_patient(request, None)
        return super().list(request, *args, **kwargs)
