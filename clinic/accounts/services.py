from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinic.models import Clinic, StaffMember, User


@transaction.atomic
def staff_invite(
    *,
    clinic: Clinic,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str = StaffMember.Role.PHYSIOTHERAPIST,
) -> StaffMember:
    """Create a staff member of `clinic` without a password: they choose one from the link."""
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, is_staff=True
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    member = StaffMember(user=user, clinic=clinic, role=role)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def staff_set_active(*, member: StaffMember, active: bool, by: StaffMember) -> StaffMember:
    """Deactivate (they can no longer sign in; their records stay) or reactivate a member."""
    if member.id == by.id and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    member.user.is_active = active
    member.user.save(update_fields=["is_active"])
    return member
