"""Who the signed-in user is to Limber: a clinic's staff member, a patient, or neither."""

from django.contrib.auth.base_user import AbstractBaseUser

from clinic.models import StaffMember


def staff_member(user: AbstractBaseUser) -> StaffMember | None:
    """The user's staff membership (cached on the user), or None for patients and strangers."""
    if not user.is_authenticated:
        return None
    try:
        return user.staff
    except StaffMember.DoesNotExist:
        return None


def is_clinic_admin(user: AbstractBaseUser) -> bool:
    member = staff_member(user)
    return member is not None and member.is_clinic_admin
