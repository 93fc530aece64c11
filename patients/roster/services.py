"""Writes behind the roster: patients, invitations, revoking access and signing out."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic import dates
from clinic.account_kinds import patient_account_problem
from clinic.accounts.signin import user_sign_out_everywhere
from clinic.languages.resolve import person_language
from clinic.models import Clinic, StaffMember
from clinic.signed_in import forget_users
from patients.models import Invitation, Patient
from patients.roster.selectors import token_hash

INVITATION_DAYS = 7


PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "physiotherapist",
    "birth_year",
    "phone",
    "referral_reason",
    "language",
)


def patient_check_physiotherapist(*, clinic: Clinic, physiotherapist: StaffMember | None) -> None:
    """A patient's physiotherapist works in the patient's clinic (asked by every door)."""
    if physiotherapist is not None and physiotherapist.clinic_id != clinic.id:
        raise ValidationError({"physiotherapist": _("Choose someone from your clinic.")})


def _check_physiotherapist(clinic: Clinic, physiotherapist: StaffMember | None) -> None:
    patient_check_physiotherapist(clinic=clinic, physiotherapist=physiotherapist)


@transaction.atomic
def patient_create(
    *,
    clinic: Clinic,
    first_name: str,
    last_name: str = "",
    email: str = "",
    physiotherapist: StaffMember | None = None,
    birth_year: int | None = None,
    phone: str = "",
    referral_reason: str = "",
    language: str = "",
) -> Patient:
    _check_physiotherapist(clinic, physiotherapist)
    patient = Patient(
        clinic=clinic,
        language=language,
        birth_year=birth_year,
        phone=phone,
        referral_reason=referral_reason,
        first_name=first_name,
        last_name=last_name,
        email=email,
        physiotherapist=physiotherapist,
    )
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, **fields) -> Patient:
    for name, value in fields.items():
        if name not in PATIENT_FIELDS:
            raise TypeError(f"unexpected field {name}")
        setattr(patient, name, value)
    _check_physiotherapist(patient.clinic, patient.physiotherapist)
    patient.full_clean()
    patient.save()
    return patient


def _revoke_open_invitations(patient: Patient) -> None:
    patient.invitations.filter(used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def patient_archive(*, patient: Patient) -> Patient:
    """Archive (never delete) a patient: off the roster, and their sign-in no longer works."""
    patient.archived_at = timezone.now()
    patient.save(update_fields=["archived_at"])
    _revoke_open_invitations(patient)
    return patient


@transaction.atomic
def patient_restore(*, patient: Patient) -> Patient:
    patient.archived_at = None
    patient.save(update_fields=["archived_at"])
    return patient


@transaction.atomic
def patient_access_revoke(*, patient: Patient) -> Patient:
    """Lock the patient out now: open invitations revoked, their sign-in deactivated.

    Their next request finds the account inactive and is signed out. A new invitation
    gives access back.
    """
    _revoke_open_invitations(patient)
    if patient.user_id is not None:
        # Only a patient-only account: never a staff or operator sign-in linked by mistake.
        get_user_model().objects.filter(
            id=patient.user_id, is_staff=False, is_superuser=False, staff__isnull=True
        ).update(is_active=False)
        # An update sends no signal: forget the cached sign-in, so the next request is refused.
        forget_users([patient.user_id])
    return patient


@transaction.atomic
def invitation_create(
    *, patient: Patient, created_by: AbstractBaseUser | None = None
) -> tuple[Invitation, str]:
    """Issue a one-time invitation valid for 7 days; any earlier open one is revoked.

    Returns the invitation and its token: only the token's sha256 is stored, so the token
    can be shown (and mailed) now and never again.
    """
    if patient.archived_at is not None:
        raise ValidationError(_("Restore this patient before inviting them."))
    _revoke_open_invitations(patient)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        patient=patient,
        token_hash=token_hash(token),
        created_by=created_by,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    return invitation, token


def invitation_send_email(*, invitation: Invitation, url: str) -> None:
    """The invitation link by email, in the patient's language (their choice, else the
    clinic's), subject included."""
    patient = invitation.patient
    with translation.override(person_language(patient)):
        _send_invitation(patient=patient, invitation=invitation, url=url)


def _send_invitation(*, patient: Patient, invitation: Invitation, url: str) -> None:
    body = _(
        "Hello %(name)s,\n\n"
        "%(clinic)s has prepared exercises for you in Limber. Open this link to start "
        "(it works once, until %(expires)s):\n\n%(url)s\n"
    ) % {
        "name": patient.first_name,
        "clinic": patient.clinic.name,
        "expires": dates.date_time(invitation.expires_at, patient.clinic.zone),
        "url": url,
    }
    send_mail(
        _("Your exercises from %(clinic)s") % {"clinic": patient.clinic.name},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [patient.email],
    )


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why this invitation cannot be used, in words for the patient; None when it can."""
    if invitation is None:
        return _("This invitation link is not valid. Ask your physiotherapist for a new one.")
    if invitation.used_at is not None:
        return _("This invitation has already been used. Sign in, or ask for a new one.")
    if invitation.revoked_at is not None or invitation.patient.archived_at is not None:
        return _("This invitation was withdrawn. Ask your physiotherapist for a new one.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask your physiotherapist for a new one.")
    return None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, username: str | None = None, password: str | None = None
) -> AbstractBaseUser:
    """Give the patient their sign-in (a password, or none: this device only) and use up
    the invitation. Raises ValidationError when it cannot be used any more."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("patient__clinic", "patient__user")
        .get(id=invitation.id)
    )
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    patient = invitation.patient
    user = patient.user
    if user is None or patient_account_problem(user, patient=patient):
        # Only ever the patient's own patient-only account: a sign-in linked before that
        # rule held (a staff member's, say) is left alone and the patient gets a new one.
        user = get_user_model()(first_name=patient.first_name)
    user.last_name = patient.last_name
    user.email = patient.email
    user.username = username or f"patient-{patient.id}-{secrets.token_hex(4)}"
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.is_active = True
    user.full_clean(exclude=["password"])
    user.save()
    if patient.user_id != user.id:
        patient.user = user
        patient.full_clean()
        patient.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def patient_sign_out_everywhere(*, patient: Patient) -> None:
    """End the patient's sessions on every device (a lost phone, a shared computer).

    The caller records it in the audit trail (it has the request): see clinic.audit.trail.
    """
    # Only a patient-only account: a staff sign-in linked by mistake is not the patient's.
    if (
        patient.user_id is not None
        and patient_account_problem(patient.user, patient=patient) is None
    ):
        user_sign_out_everywhere(user=patient.user)
