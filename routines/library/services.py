"""Writes on the library: a clinic's own exercises."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import Clinic
from routines.models import Exercise

EXERCISE_FIELDS = (
    "name",
    "body_region",
    "kind",
    "instructions",
    "cues",
    "cautions",
    "default_hold_seconds",
    "default_repetitions",
    "default_sets",
    "default_sides",
    "image",
    "video_url",
)


def _set_exercise_fields(exercise: Exercise, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EXERCISE_FIELDS:
            raise TypeError(f"unexpected field {name}")
        if name == "image" and value is False:  # the "clear" box of the upload field
            value = ""
        setattr(exercise, name, value)


@transaction.atomic
def exercise_create(*, clinic: Clinic, **fields) -> Exercise:
    """Add one of the clinic's own exercises; a picture goes through the default storage."""
    exercise = Exercise(clinic=clinic)
    _set_exercise_fields(exercise, fields)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, **fields) -> Exercise:
    if exercise.is_builtin:
        raise ValidationError(_("Built-in exercises cannot be changed."))
    _set_exercise_fields(exercise, fields)
    exercise.full_clean()
    exercise.save()
    return exercise
