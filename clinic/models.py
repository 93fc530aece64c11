import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from clinic import dates
from clinic.validators import validate_name, validate_text

# The languages a person or a clinic may choose (settings.LANGUAGES); blank on a person
# means "not chosen": their browser's language, else their clinic's, is used instead.
LANGUAGE_CHOICES = settings.LANGUAGES


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class User(AbstractUser):
    """Everyone who signs in: staff (with a StaffMember row) and patients (with a Patient)."""

    # Raised to sign the user out on every device: it is part of the session hash.
    session_version = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self):
        """A patient's sign-in never gains staff or operator rights (clinic.account_kinds)."""
        super().clean()
        from clinic.account_kinds import NOT_PATIENT_ONLY, is_patient_account

        if (self.is_staff or self.is_superuser) and is_patient_account(self.pk):
            raise ValidationError(NOT_PATIENT_ONLY, code="account_kind")

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request; a new version voids every session.
        return salted_hmac(
            "clinic.User.session_auth_hash",
            f"{self.password}:{self.session_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_timezone]
    )
    # When the staff home page lists a patient under "Needs attention".
    attention_adherence_percent = models.PositiveSmallIntegerField(
        _("low adherence below (%)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("A patient below this adherence over the last 7 days needs attention."),
    )
    attention_missed_days = models.PositiveSmallIntegerField(
        _("missed scheduled days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_(
            "A patient with no session on this many scheduled days in a row needs attention."
        ),
    )
    attention_pain = models.PositiveSmallIntegerField(
        _("pain at or above"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("A reported pain at or above this level (0–10) needs attention."),
    )
    # Clinic admins always sign in with a second step; this extends it to physiotherapists.
    require_two_factor_for_staff = models.BooleanField(
        _("two-step sign-in for every physiotherapist"),
        default=False,
        help_text=_(
            "Clinic admins always confirm their sign-in with a code from an authenticator "
            "app. Tick this to ask the same of every physiotherapist of the clinic."
        ),
    )
    # The session player waits for the patient before every hold (WCAG 2.2.1, 2.2.2); a clinic
    # whose patients want it may let the get-ready start by itself after a side switch or rest.
    player_automatic_flow = models.BooleanField(
        _("automatic flow in the session player"),
        default=False,
        help_text=_(
            "Off: after a side switch, a rest between sets or a new exercise the player waits "
            "until the patient presses Start hold. On: the get-ready countdown starts by itself."
        ),
    )
    # Printed on patients' handouts (issue 14); optional, set by a clinic admin.
    address = models.TextField(
        _("address"),
        max_length=500,
        blank=True,
        validators=[validate_text],
        help_text=_("Printed on patients' handouts."),
    )
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        validators=[validate_name],
        help_text=_("Printed on patients' handouts."),
    )
    # For everyone of the clinic who has not chosen a language and whose browser asks for
    # none that Limber speaks (clinic/languages/resolve.py).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        default="en",
        help_text=_(
            "For staff and patients who have not chosen a language and whose browser "
            "asks for none that Limber offers."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="clinic_name_unique"),
            models.CheckConstraint(condition=~Q(timezone=""), name="clinic_timezone_not_empty"),
            models.CheckConstraint(
                condition=Q(attention_adherence_percent__lte=100),
                name="clinic_attention_adherence_percent",
            ),
            models.CheckConstraint(
                condition=Q(attention_missed_days__gte=1, attention_missed_days__lte=28),
                name="clinic_attention_missed_days_in_range",
            ),
            models.CheckConstraint(
                condition=Q(attention_pain__gte=1, attention_pain__lte=10),
                name="clinic_attention_pain_in_range",
            ),
            models.CheckConstraint(
                condition=Q(language__in=list(dict(LANGUAGE_CHOICES))),
                name="clinic_language_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self):
        """The date it is now in the clinic: what "today" means for its patients."""
        return timezone.localdate(timezone=self.zone)


class StaffMember(models.Model):
    class Role(models.TextChoices):
        PHYSIOTHERAPIST = "physio", _("Physiotherapist")
        CLINIC_ADMIN = "admin", _("Clinic admin")

    user = models.OneToOneField(User, models.CASCADE, related_name="staff")
    clinic = models.ForeignKey(Clinic, models.CASCADE, related_name="staff")
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.PHYSIOTHERAPIST
    )
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["physio", "admin"]), name="staffmember_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=["", *dict(LANGUAGE_CHOICES)]),
                name="staffmember_language_known",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self):
        """A patient's sign-in never becomes a staff member's (clinic.account_kinds)."""
        from clinic.account_kinds import check_staff_account

        if self.user_id is not None:
            check_staff_account(self.user)

    @property
    def has_not_joined(self) -> bool:
        """Invited, but has not chosen a password (nor signed in) yet."""
        return self.user.last_login is None and not self.user.has_usable_password()

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.CLINIC_ADMIN


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a recorded audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("The audit trail cannot be changed.")

    def delete(self):
        raise AuditTrailIsAppendOnly("The audit trail cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditTrailIsAppendOnly("The audit trail cannot be changed.")


class AuditEvent(models.Model):
    """Who touched which patient's data, how and when; never the clinical content itself.

    Append-only: the model, its queryset and (on PostgreSQL) a database trigger refuse to
    change or delete a row. The references are kept without database constraints so that
    deleting a user or a patient never rewrites the trail.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        LIST = "list", _("Listed")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        SIGN_OUT = "sign_out", _("Signed out everywhere")

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        User,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    clinic = models.ForeignKey(
        Clinic,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clinic"),
    )
    patient = models.ForeignKey(
        "patients.Patient",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("patient"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    path_name = models.CharField(_("page"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            # The clinic admin's trail, newest first, optionally for one patient.
            models.Index(fields=["clinic", "-at"], name="auditevent_clinic_time_idx"),
            models.Index(fields=["patient", "-at"], name="auditevent_patient_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    action__in=["view", "list", "create", "change", "delete", "export", "sign_out"]
                ),
                name="auditevent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{dates.date_time(self.at)} {self.action} {self.path_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("The audit trail cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("The audit trail cannot be deleted.")
