"""Keeping the language a person or a clinic chose."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import Clinic

from .resolve import LANGUAGE_CODES, account_record


class NoAccountRecord(ValidationError):
    """The sign-in has neither a staff membership nor a patient record (the operator)."""


def _check_language(language: str, *, blank: bool) -> None:
    if language == "" and blank:
        return
    if language not in LANGUAGE_CODES:
        raise ValidationError(
            {"language": _("Choose one of the languages offered.")}, code="invalid_choice"
        )


@transaction.atomic
def person_language_set(*, user, language: str) -> None:
    """Keep `language` ("" for "not chosen") on the user's staff membership or patient record,
    whichever they have."""
    _check_language(language, blank=True)
    record = account_record(user)
    if record is None:
        raise NoAccountRecord(
            {"language": _("This account has no staff or patient record to keep a language on.")},
            code="no_record",
        )
    record.language = language
    record.save(update_fields=["language"])


@transaction.atomic
def clinic_language_set(*, clinic: Clinic, language: str) -> Clinic:
    """The clinic's language, for its people who chose none and whose browser asks for none."""
    _check_language(language, blank=False)
    clinic.language = language
    clinic.save(update_fields=["language"])
    return clinic
