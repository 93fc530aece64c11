"""Validators for what people type, shared by the models (so services, the admin and
ModelForms apply them), the plain forms and the API fields: one rule, every door.

Text: a request whose form body is not UTF-8 reaches the forms with U+FFFD in place of what
could not be read (clinic.middleware.Utf8FormMiddleware sees to it), and that character is
refused, as the API's JSON parser refuses such a body. Names (shown in lists, the audit
trail, exports) also refuse control characters and the invisible marks that reorder text
(U+202E "right-to-left override" makes "gpj.exe" read "exe.jpg").

Dates: a plan, a pause or a filter far outside this century is a typo or a probe, and at
the edges of Python's calendar (year 1, year 9999) a date plus a few days does not exist.
"""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

REPLACEMENT_CHARACTER = "\ufffd"
# Unicode's bidirectional formatting characters: the marks, embeddings, overrides and
# isolates (UAX #9). Zero-width joiners stay allowed: some scripts need them in names.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
LINE_BREAKS = frozenset("\t\n\r")

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)


def _is_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def validate_text(value: str) -> None:
    """Any stored text: readable (it was UTF-8), no control characters but line breaks."""
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            _("Part of this text could not be read (it was not sent as UTF-8); type it again."),
            code="invalid_encoding",
        )
    if any(_is_control(character) and character not in LINE_BREAKS for character in value):
        raise ValidationError(_("Remove the control characters from this text."), code="control")


def validate_name(value: str) -> None:
    """A name on one line: what validate_text asks, and no line breaks or direction marks."""
    validate_text(value)
    if any(_is_control(character) or character in BIDI_CONTROLS for character in value):
        raise ValidationError(
            _("Use letters, digits, spaces and punctuation only: no line breaks or hidden marks."),
            code="control",
        )


def validate_date_in_range(value: datetime.date) -> None:
    """A date from 2000 to 2099: plans, pauses and date filters."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            _("Choose a date from %(min)s to %(max)s.")
            % {"min": date_format(DATE_MIN), "max": date_format(DATE_MAX)},
            code="date_range",
        )
