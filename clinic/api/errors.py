"""One error format for every API endpoint, and the 404 and 500 pages under /api/.

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
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


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
            # One rule kept for each language (a name per language) breaks twice: say it once.
            if message not in detail.setdefault(field, []):
                detail[field].append(message)
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
