"""The languages content is written in, and its columns per language (django-modeltranslation).

A text registered in `translation.py` has one column per language of settings.LANGUAGES:
`name_en`, `name_fr_ca`. Reading `exercise.name` gives the active language's text, or the
other language's when it is missing or empty.
"""

from django.conf import settings
from django.db.models import Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname


def content_languages() -> list[str]:
    """Every language content can be written in (settings.LANGUAGES), in its order."""
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The language named in itself ("English", "Français (Canada)")."""
    return dict(settings.LANGUAGES)[code]


def clinic_language(clinic) -> str:
    """The language a clinic writes its own content in. `Clinic.language` comes with the
    per-account language work; until then (or without a clinic) the site's language."""
    code = getattr(clinic, "language", None) or settings.LANGUAGE_CODE
    return code if code in content_languages() else settings.LANGUAGE_CODE


def column(field: str, language: str) -> str:
    """The column of `field` in `language`: column("name", "fr-ca") == "name_fr_ca"."""
    return build_localized_fieldname(field, language)


def columns(field: str) -> list[str]:
    """Every language's column of `field`."""
    return [column(field, code) for code in content_languages()]


def translations_of(instance, fields) -> dict[str, str | None]:
    """Every language's column of each field, as stored (no fallback): for copies."""
    return {name: getattr(instance, name) for field in fields for name in columns(field)}


def in_reading_order(field: str) -> Coalesce:
    """`field` as the reader sees it, for ordering: their language's text, or the other's
    when it has none (as `exercise.name` falls back). A plain order_by("name") would sort
    by the reader's column alone and put every untranslated row last."""
    active = (get_language() or "").lower()
    codes = sorted(content_languages(), key=lambda code: code != active)
    # Each language's column is a class of its own: say what the coalesced text is.
    return Coalesce(
        *(NullIf(column(field, code), Value("")) for code in codes), output_field=TextField()
    )


def contains_in_any_language(fields, text: str) -> Q:
    """Any language's column of any of `fields` contains `text` (in any case)."""
    found = Q()
    for field in fields:
        for name in columns(field):
            found |= Q(**{f"{name}__icontains": text})
    return found


def in_reading_language(texts: dict[str, str | None]) -> str:
    """The reader's text among every language's `texts` ({"en": …, "fr-ca": …}), or the
    other language's when theirs is missing or empty: what `exercise.name` gives, for rows
    read without the model (plain SQL)."""
    active = (get_language() or "").lower()
    for code in sorted(content_languages(), key=lambda code: code != active):
        if texts.get(code):
            return texts[code]
    return ""
