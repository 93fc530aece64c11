"""Writes on the library: a clinic's own exercises."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import Clinic
from routines.languages import clinic_language, column, columns
from routines.media.services import (
    clear_poster_without_video,
    media_delete_replaced,
    stored_media_names,
)
from routines.models import Exercise

# The texts written in each language (routines/translation.py): given plainly ("name") they
# are in the clinic's language; "name_en", "name_fr_ca" name a language.
TRANSLATED_FIELDS = ("name", "instructions", "cues", "cautions")
# What an exercise needs in the clinic's language; the other language is optional and falls
# back to it.
REQUIRED_IN_CLINIC_LANGUAGE = ("name", "instructions")
EXERCISE_FIELDS = (
    *TRANSLATED_FIELDS,
    *(name for field in TRANSLATED_FIELDS for name in columns(field)),
    "body_region",
    "kind",
    "default_hold_seconds",
    "default_repetitions",
    "default_sets",
    "default_sides",
    "image",
    "video",
    "video_poster",
    "video_url",
)
FILE_FIELDS = ("image", "video", "video_poster")


def _set_exercise_fields(exercise: Exercise, fields: dict, *, creating: bool) -> None:
    language = clinic_language(exercise.clinic)
    # A plain text is the clinic's language; a text that names its language wins over it.
    plain = {
        column(name, language): value for name, value in fields.items() if name in TRANSLATED_FIELDS
    }
    named = {name: value for name, value in fields.items() if name not in TRANSLATED_FIELDS}
    fields = {**plain, **named}
    for name, value in fields.items():
        if name not in EXERCISE_FIELDS:
            raise TypeError(f"unexpected field {name}")
        if name in FILE_FIELDS and value is False:  # the "clear" box of the upload field
            value = ""
        if isinstance(value, str) and name not in FILE_FIELDS and name != "video_url":
            value = value.strip()
        setattr(exercise, name, value)
    for name in columns("name"):
        # A missing name is NULL, not "": each language's names are unique in a clinic, and
        # two exercises without a French name must not collide.
        if not getattr(exercise, name):
            setattr(exercise, name, None)
    # An error is told under the field as it was given: "name", or "name_fr_ca".
    given_as = {
        name: field for field in TRANSLATED_FIELDS if (name := column(field, language)) in plain
    }
    given_as |= {name: name for name in named}
    errors = {}
    for field in REQUIRED_IN_CLINIC_LANGUAGE:
        name = column(field, language)
        if (creating or name in fields) and not getattr(exercise, name):
            errors[given_as.get(name, name)] = [_("This field is required.")]
    for name in columns("name"):
        if name in fields and _name_taken(exercise, name):
            errors.setdefault(given_as.get(name, name), []).append(
                _("Your library already has an exercise with this name.")
            )
    if errors:
        raise ValidationError(errors)
    clear_poster_without_video(exercise)


def _name_taken(exercise: Exercise, name_column: str) -> bool:
    """Another exercise of the same library has this name in this language (in any case):
    each language's names are unique (the model's constraints), told as a field error."""
    value = getattr(exercise, name_column)
    if not value:
        return False
    same = Exercise.objects.filter(clinic=exercise.clinic, **{f"{name_column}__iexact": value})
    if exercise.pk is not None:
        same = same.exclude(pk=exercise.pk)
    return same.exists()


@transaction.atomic
def exercise_create(*, clinic: Clinic, **fields) -> Exercise:
    """Add one of the clinic's own exercises; its picture and video go through the default
    storage under random names (routines.media). Its texts are in the clinic's language
    (required) and, if given, the other (routines/translation.py)."""
    exercise = Exercise(clinic=clinic)
    _set_exercise_fields(exercise, fields, creating=True)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, **fields) -> Exercise:
    if exercise.is_builtin:
        raise ValidationError(_("Built-in exercises cannot be changed."))
    before = stored_media_names(exercise)
    _set_exercise_fields(exercise, fields, creating=False)
    exercise.full_clean()
    exercise.save()
    media_delete_replaced(exercise=exercise, before=before)
    return exercise
