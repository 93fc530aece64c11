"""Whose media a signed-in user may read."""

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from routines.models import Exercise


def _clinic_id_of(user: AbstractBaseUser) -> int | None:
    """The clinic a staff member works for, or the clinic of an active patient."""
    try:
        return user.staff.clinic_id
    except ObjectDoesNotExist:
        pass
    # Patients live in the patients app, which routines does not import.
    patients = apps.get_model("patients", "Patient").objects
    return (
        patients.filter(user=user, archived_at__isnull=True)
        .values_list("clinic_id", flat=True)
        .first()
    )


def exercises_with_media_for(user: AbstractBaseUser) -> QuerySet[Exercise]:
    """Exercises whose pictures and videos `user` may read: the built-ins for anyone signed in,
    a clinic's own (archived too: a running plan may still show one) for that clinic's staff
    and patients, everything for the operator; nothing for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Exercise.objects.none()
    if user.is_superuser:
        return Exercise.objects.all()
    readable = Q(clinic__isnull=True)
    clinic_id = _clinic_id_of(user)
    if clinic_id is not None:
        readable |= Q(clinic_id=clinic_id)
    return Exercise.objects.filter(readable)


def exercise_with_file(user: AbstractBaseUser, name: str) -> Exercise | None:
    """The exercise, readable by `user`, whose picture, video or poster is stored as `name`."""
    same_name = Q(image=name) | Q(video=name) | Q(video_poster=name)
    return exercises_with_media_for(user).filter(same_name).first()
