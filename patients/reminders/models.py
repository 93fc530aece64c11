"""Reminders: what each patient asked for, the clinic's defaults, push subscriptions, and one
row per reminder to deliver (the delivery log)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic import dates
from clinic.models import validate_timezone

TIMES_MAX = 4
DEFAULT_TIMES = ["08:00"]


class Channel(models.TextChoices):
    """Where a reminder goes. The calendar feed is a channel the patient chooses too, but
    nothing is delivered through it: the patient's calendar app fetches the feed."""

    EMAIL = "email", _("Email")
    PUSH = "push", _("Notifications on my devices")
    CALENDAR = "calendar", _("Calendar feed")


DELIVERED_CHANNELS = (Channel.EMAIL, Channel.PUSH)


class ReminderChoices(models.Model):
    """What both the clinic's defaults and a patient's own settings say."""

    email = models.BooleanField(_("email"), default=True)
    push = models.BooleanField(_("notification"), default=False)
    calendar = models.BooleanField(_("calendar feed"), default=False)
    # "HH:MM" strings in the patient's zone, earliest first (validated by services).
    times = models.JSONField(_("times"), default=list)
    # A second reminder at this time if the day's sessions are not done by then.
    second_nudge_at = models.TimeField(_("second reminder if not done by"), null=True, blank=True)
    # Nothing is sent between these times; a reminder due then waits for the end.
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        abstract = True


class ClinicReminderDefaults(ReminderChoices):
    """What a patient of the clinic gets until they choose for themselves."""

    clinic = models.OneToOneField("clinic.Clinic", models.CASCADE, related_name="reminder_defaults")

    class Meta:
        verbose_name = _("clinic reminder defaults")
        verbose_name_plural = _("clinic reminder defaults")
        constraints = [
            models.CheckConstraint(
                condition=(Q(quiet_from__isnull=True) & Q(quiet_until__isnull=True))
                | (Q(quiet_from__isnull=False) & Q(quiet_until__isnull=False)),
                name="reminder_defaults_quiet_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return str(self.clinic)


class ReminderSettings(ReminderChoices):
    """A patient's own choices. Without a row the clinic's defaults apply."""

    patient = models.OneToOneField(
        "patients.Patient", models.CASCADE, related_name="reminder_settings"
    )
    # Bit mask like Assignment.weekdays; null: the plan's own days.
    weekdays = models.PositiveSmallIntegerField(_("days of the week"), null=True, blank=True)
    # Empty: the clinic's time zone.
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    # The calendar feed's secret URL is made from this id and an HMAC of it (services);
    # a new id is a reset, after which the old URL answers 404.
    feed_id = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    feed_reset_at = models.DateTimeField(_("calendar link made"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekdays__isnull=True) | Q(weekdays__gte=1, weekdays__lte=0b1111111),
                name="reminder_settings_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=(Q(quiet_from__isnull=True) & Q(quiet_until__isnull=True))
                | (Q(quiet_from__isnull=False) & Q(quiet_until__isnull=False)),
                name="reminder_settings_quiet_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return str(self.patient)


class PushSubscription(models.Model):
    """One browser's Web Push subscription. `gone_at` is set when the push service says it
    no longer exists (404/410); such a row is kept for the log and never sent to again."""

    patient = models.ForeignKey(
        "patients.Patient", models.CASCADE, related_name="push_subscriptions"
    )
    # Checked against the known push services by services.push_subscription_save.
    endpoint = models.CharField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    gone_at = models.DateTimeField(_("expired"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.patient}: {self.endpoint[:40]}…"


class Delivery(models.Model):
    """One reminder on one channel: the unit the worker sends exactly once.

    The unique (patient, local_date, slot, channel) makes planning idempotent: planning the
    same minute twice, or from two workers, finds the row already there.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        GIVEN_UP = "given_up", _("Not sent")
        # A second reminder found the session done by the time it was sent.
        SKIPPED = "skipped", _("Not needed")

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Reminder")
        SECOND = "second", _("Second reminder")
        STAFF = "staff", _("Sent by staff")

    patient = models.ForeignKey("patients.Patient", models.CASCADE, related_name="deliveries")
    # The patient's local date and time of day ("07:30", "staff 10:42:05") it is for.
    local_date = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=20)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    requested_by = models.ForeignKey(
        "clinic.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    # While a worker sends: its claim and how long the claim holds (see services).
    claim = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(_("problem"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-due_at", "-id"]
        indexes = [
            # The worker's claim: pending rows due now, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="delivery_claim_idx"),
            # The delivery log on the patient page, newest first.
            models.Index(fields=["patient", "-due_at"], name="delivery_patient_log_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date", "slot", "channel"], name="delivery_once_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "push"]), name="delivery_channel_delivered"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "given_up", "skipped"]),
                name="delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=(Q(state="sent") & Q(sent_at__isnull=False))
                | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="delivery_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        day = dates.short_date(self.local_date)
        return f"{self.patient} {day} {self.slot} {self.channel}: {self.state}"
