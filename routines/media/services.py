"""Changing an exercise's pictures and videos, and forgetting the files it stops using."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from routines.models import Exercise

MEDIA_FIELDS = ("image", "video", "video_poster")


def media_names(exercise: Exercise) -> dict[str, str]:
    """The name of each of the exercise's files ("" for none), as the instance has them."""
    return {field: getattr(exercise, field).name or "" for field in MEDIA_FIELDS}


def stored_media_names(exercise: Exercise) -> dict[str, str]:
    """The names saved in the database: a model form has already put its uploads on the
    instance by the time a service sees it."""
    if exercise.pk is None:
        return {}
    return Exercise.objects.filter(pk=exercise.pk).values(*MEDIA_FIELDS).get()


def media_delete_replaced(*, exercise: Exercise, before: dict[str, str]) -> None:
    """Once the change is committed, delete the files the exercise no longer uses.

    Nothing recorded refers to a file (a completion keeps its own copy of the exercise's
    name and prescription), so a replaced or cleared file is only clutter; a rolled-back
    change deletes nothing.
    """
    kept = set(media_names(exercise).values())
    gone = [name for name in before.values() if name and name not in kept]
    if not gone:
        return
    storage = Exercise._meta.get_field("video").storage

    def delete() -> None:
        for name in gone:
            in_use = Exercise.objects.filter(Q(image=name) | Q(video=name) | Q(video_poster=name))
            if not in_use.exists():
                storage.delete(name)

    transaction.on_commit(delete)


def clear_poster_without_video(exercise: Exercise) -> None:
    """A poster belongs to its video: clearing the video clears the poster."""
    if not exercise.video and exercise.video_poster:
        exercise.video_poster = ""


@transaction.atomic
def exercise_media_update(
    *,
    exercise: Exercise,
    image: File | None = None,
    video: File | None = None,
    video_poster: File | None = None,
    remove: Iterable[str] = (),
) -> Exercise:
    """Replace or remove one of the clinic's exercise's picture, video and poster (already
    checked by routines.media.validators); the old files go once this commits."""
    if exercise.is_builtin:
        raise ValidationError(_("Built-in exercises cannot be changed."))
    before = stored_media_names(exercise)
    for field in remove:
        if field not in MEDIA_FIELDS:
            raise TypeError(f"unexpected field {field}")
        setattr(exercise, field, "")
    for field, upload in (("image", image), ("video", video), ("video_poster", video_poster)):
        if upload is not None:
            setattr(exercise, field, upload)
    clear_poster_without_video(exercise)
    if exercise.video_poster and not exercise.video:
        raise ValidationError({"video_poster": _("A poster goes with a video: add the video too.")})
    exercise.full_clean()
    exercise.save()
    media_delete_replaced(exercise=exercise, before=before)
    return exercise
