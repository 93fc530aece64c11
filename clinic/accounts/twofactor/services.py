"""Writes for two-factor sign-in: enrol a TOTP device, its recovery codes, verify, reset."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.accounts.signin import user_sign_out_everywhere
from clinic.models import Clinic

RECOVERY_DEVICE_NAME = "recovery codes"


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def totp_device_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's enrolment in progress: a new secret, or the one the QR code already shows
    (reloading the page must not change the secret the phone has scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the enrolment with a first code from the app; None if the code is wrong.

    Returns the new recovery codes (shown once: only their use is stored afterwards in the
    sense that each is deleted when used) and replaces any earlier set.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(_normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """A fresh set of single-use recovery codes; the old set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def code_verify(*, user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts `code` (an app's code or an unused recovery code), or None.

    Devices are locked while checked, so one code cannot be used twice at once; a
    recovery code is deleted when it is used, an app's code cannot be replayed (django-otp
    remembers the last time step).
    """
    code = _normalise(code)
    if not code or len(code) > 16:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def two_factor_reset(*, user: AbstractBaseUser) -> None:
    """Remove every device (a lost phone): the user enrols again at their next sign-in,
    and every session they have ends now."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_sign_out_everywhere(user=user)


@transaction.atomic
def clinic_set_two_factor(*, clinic: Clinic, required: bool) -> Clinic:
    """Ask (or stop asking) every physiotherapist of `clinic` for a second sign-in step."""
    clinic.require_two_factor_for_staff = required
    clinic.full_clean()
    clinic.save(update_fields=["require_two_factor_for_staff"])
    return clinic
