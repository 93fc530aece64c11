import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="clinic_name_unique"),
            models.CheckConstraint(condition=~Q(timezone=""), name="clinic_timezone_not_empty"),
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
