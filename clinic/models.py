import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class User(AbstractUser):
    """Everyone who signs in: staff (with a StaffMember row) and patients (with a Patient)."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["physio", "admin"]), name="staffmember_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.CLINIC_ADMIN
