"""Writes on the library: a clinic's own exercises."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import Clinic
from routines.media.services import (
    clear_poster_without_video,
    media_delete_replaced,
    stored_media_names,
)
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
    "video",
    "video_poster",
    "video_url",
)
FILE_FIELDS = ("image", "video", "video_poster")


def _set_exercise_fields(exercise: Exercise, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EXERCISE_FIELDS:
            raise TypeError(f"unexpected field {name}")
        if name in FILE_FIELDS and value is False:  # the "clear" box of the upload field
            value = ""
        setattr(exercise, name, value)
    clear_poster_without_video(exercise)


@transaction.atomic
def exercise_create(*, clinic: Clinic, **fields) -> Exercise:
    """Add one of the clinic's own exercises; its picture and video go through the default
    storage under random names (routines.media)."""
    exercise = Exercise(clinic=clinic)
    _set_exercise_fields(exercise, fields)
    exercise.full_clean()
    exercise.save()
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, **fields) -> Exercise:
    if exercise.is_builtin:
        raise ValidationError(_("Built-in exercises cannot be changed."))
    before = stored_media_names(exercise)
    _set_exercise_fields(exercise, fields)
    exercise.full_clean()
    exercise.save()
    media_delete_replaced(exercise=exercise, before=before)
    return exercise
