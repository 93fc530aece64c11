"""Which kind of account a sign-in is, and the rule that one kind never becomes another.

A sign-in (clinic.User) is exactly one of:
- a staff account: it has a StaffMember row (or is the operator's, is_staff/is_superuser);
- a patient account: it belongs to one Patient and is nothing else.

A patient's account must be patient-only: never a staff member's, never is_staff, never a
superuser, never shared by two patients. Otherwise whoever may edit the patient (every
physiotherapist of the clinic) could reach the staff account through the patient: an
invitation accepted for that patient would set a new username and password on it, and
"revoke access" would deactivate it. The rule is checked in the models' clean() (so every
form, serializer and admin page that validates refuses it), by the services that touch a
patient's account, and by database triggers (patients/migrations/0004) for writes that
skip validation.
"""

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NOT_PATIENT_ONLY = _(
    "This sign-in belongs to a staff member or an administrator; a patient needs a sign-in "
    "of their own."
)
SHARED = _("This sign-in already belongs to another patient.")
PATIENT_IS_NOT_STAFF = _("This sign-in belongs to a patient; staff need a sign-in of their own.")


def _has_staff_membership(user_id: int) -> bool:
    return apps.get_model("clinic", "StaffMember").objects.filter(user_id=user_id).exists()


def is_patient_account(user_id: int | None) -> bool:
    """Whether a Patient row uses this sign-in."""
    if user_id is None:
        return False
    return apps.get_model("patients", "Patient").objects.filter(user_id=user_id).exists()


def patient_account_problem(user: AbstractBaseUser, *, patient=None) -> str | None:
    """Why `user` cannot be `patient`'s sign-in, in words; None when it can."""
    if user.is_staff or user.is_superuser:
        return NOT_PATIENT_ONLY
    if user.pk is None:
        return None
    if _has_staff_membership(user.pk):
        return NOT_PATIENT_ONLY
    others = apps.get_model("patients", "Patient").objects.filter(user_id=user.pk)
    if patient is not None and patient.pk is not None:
        others = others.exclude(pk=patient.pk)
    if others.exists():
        return SHARED
    return None


def check_patient_account(user: AbstractBaseUser, *, patient=None) -> None:
    """Raise ValidationError unless `user` may be `patient`'s (patient-only) sign-in."""
    problem = patient_account_problem(user, patient=patient)
    if problem:
        # Not keyed to the field: most forms that save a patient do not show `user`.
        raise ValidationError(problem, code="account_kind")


def check_staff_account(user: AbstractBaseUser) -> None:
    """Raise ValidationError if `user` is a patient's sign-in: it never becomes staff."""
    if is_patient_account(user.pk):
        raise ValidationError(PATIENT_IS_NOT_STAFF, code="account_kind")
