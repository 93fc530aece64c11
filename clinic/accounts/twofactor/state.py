"""Where a staff member's sign-in stands: who must give a second step, and who has.

The verified state lives in the (server-side) session under django_otp's own key, set by
``django_otp.login``. We read the key instead of installing django_otp's OTPMiddleware,
which would load the device on every request: a query more per staff page (see
clinic/benchmark/notes.md). Removing a device signs its owner out everywhere
(clinic.accounts.twofactor.services.two_factor_reset), so a session never outlives its device.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY

from clinic.access import staff_member

# Set at sign-in for a staff member who has a device: they owe a code before anything else.
PENDING = "limber_two_factor_pending"


def is_verified(request: HttpRequest) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether `user` must sign in with a second step even without a device yet.

    The operator and anyone else using the Django admin, every clinic admin, and the
    physiotherapists of a clinic that asks for it. Patients never. The membership and its
    clinic come with the signed-in user (clinic.accounts.signin.RoleBackend): no query.
    """
    if not user.is_authenticated:
        return False
    member = staff_member(user)
    if member is None:
        return user.is_superuser or user.is_staff
    return (
        member.is_clinic_admin or member.clinic.require_two_factor_for_staff or (user.is_superuser)
    )
