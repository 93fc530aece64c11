"""Which language a person reads Limber in (issue 20).

A signed-in person: the language they chose (kept on their staff membership or patient
record), else the one this browser chose on a page before signing in (Django's language
cookie), else their browser's Accept-Language when Limber speaks it, else their clinic's.
Anyone else: the cookie, else the browser, else LANGUAGE_CODE. Emails and reminders, which
have no browser, go out in the recipient's choice, else their clinic's language.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def supported_language(code: str | None) -> str | None:
    """The language of LANGUAGES that `code` asks for ("fr" and "fr-FR" mean "fr-ca"), or None."""
    if not code or len(code) > 20:
        return None
    try:
        return get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def browser_language(request: HttpRequest) -> str | None:
    """The first language of the browser's Accept-Language that Limber speaks, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:1000]):
        if code == "*":
            break
        language = supported_language(code)
        if language is not None:
            return language
    return None


def cookie_language(request: HttpRequest) -> str | None:
    return supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def account_record(user):
    """The staff membership or patient record that keeps the user's language, or None.

    No query for a user signed in by session: clinic.accounts.signin.RoleBackend loads both
    relations (and their clinics) with the user."""
    if not user.is_authenticated:
        return None
    # Staff sign-ins are is_staff and patients' never are: ask the likely relation first.
    relations = ("staff", "patient") if user.is_staff else ("patient", "staff")
    for relation in relations:
        try:
            record = getattr(user, relation)
        except ObjectDoesNotExist:
            continue
        if record is not None:
            return record
    return None


def person_language(record) -> str:
    """For a staff member or a patient when no browser is asking (emails, reminders): their
    choice, else their clinic's language."""
    if record is None:
        return settings.LANGUAGE_CODE
    return record.language or record.clinic.language or settings.LANGUAGE_CODE


def user_language(user) -> str:
    """person_language for a sign-in (the password reset email)."""
    return person_language(account_record(user))


def request_language(request: HttpRequest) -> str:
    """The language of this request's answer (the module's docstring says the order)."""
    record = account_record(request.user) if hasattr(request, "user") else None
    if record is not None and record.language:
        return record.language
    language = cookie_language(request) or browser_language(request)
    if language is not None:
        return language
    if record is not None and record.clinic.language:
        return record.clinic.language
    return settings.LANGUAGE_CODE
