"""Writes for reminders: settings, the calendar link, push subscriptions, planning the day's
reminders, the staff nudge, and the worker's claim-send-record loop.

Exactly once, and what that honestly means
------------------------------------------
Each reminder is one Delivery row, unique per (patient, local day, slot, channel), so
planning is idempotent and two planners make one row. A worker claims a due row in a
short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, then a
compare-and-set UPDATE that also guards SQLite), which moves it to "sending" with a
random claim and a lease; it sends outside any transaction, then records "sent" only if
its claim still holds. Two workers never hold the same row, and a row recorded "sent" is
never sent again.

A worker killed between the SMTP server (or push service) accepting a message and the
"sent" commit leaves a "sending" row whose lease runs out (REMINDER_LEASE_SECONDS, far
longer than a send's timeout); the next worker sends it again. Nothing is lost, and the
only reminder that can arrive twice is the one that was in flight at the moment of the
kill. We chose at-least-once for that single in-flight message because a reminder that
never comes is the complaint this feature answers; a second copy of one message is the
lesser harm. It carries the same identity both times: the email keeps one Message-ID
per delivery, and the push message one Topic (the push service replaces an undelivered
one) and one notification tag (the device shows one notification, not two).
"""

import datetime
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Assignment, AssignmentPause, Patient, Session

from . import schedule, sending
from .models import (
    DEFAULT_TIMES,
    TIMES_MAX,
    Channel,
    ClinicReminderDefaults,
    Delivery,
    PushSubscription,
    ReminderSettings,
)

# unsubscribe_token is made where the email is written; callers find it here too.
from .sending import UNSUBSCRIBE_SALT, push_configured, unsubscribe_token  # noqa: F401

logger = logging.getLogger(__name__)

ALL_WEEKDAYS = 0b1111111
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# Settings ---------------------------------------------------------------------------


def parse_times(values: Iterable[str]) -> list[str]:
    """ "7:30", "18:00" → ["07:30", "18:00"]; a time like 25:00 is a ValidationError."""
    times = []
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        match = _TIME.match(value)
        if match is None:
            raise ValidationError(
                {
                    "times": _("%(value)s is not a time of day (HH:MM, 00:00 to 23:59).")
                    % {"value": value}
                }
            )
        times.append(f"{int(match[1]):02d}:{match[2]}")
    times = sorted(set(times))
    if not times:
        raise ValidationError({"times": _("Give at least one time of day.")})
    if len(times) > TIMES_MAX:
        raise ValidationError({"times": _("At most %(max)d times a day.") % {"max": TIMES_MAX}})
    return times


def parse_channels(values: Iterable[str]) -> set[str]:
    channels = set(values)
    unknown = sorted(channels - set(Channel.values))
    if unknown:
        raise ValidationError(
            {
                "channels": _("Unknown channel: %(names)s. Choose from %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(Channel.values)}
            }
        )
    if Channel.PUSH in channels and not push_configured():
        raise ValidationError({"channels": _("Notifications are not set up on this server.")})
    return channels


def _copy_defaults(patient: Patient) -> dict:
    choices = schedule.choices_for(patient)
    return {
        "email": choices.email,
        "push": choices.push and push_configured(),
        "calendar": choices.calendar,
        "times": [moment.strftime("%H:%M") for moment in choices.times],
        "second_nudge_at": choices.second_nudge_at,
        "quiet_from": choices.quiet_from,
        "quiet_until": choices.quiet_until,
    }


def reminder_settings_get_or_create(*, patient: Patient) -> ReminderSettings:
    """The patient's own settings row, made from the clinic's defaults the first time."""
    try:
        return patient.reminder_settings
    except ReminderSettings.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            row = ReminderSettings.objects.create(patient=patient, **_copy_defaults(patient))
    except IntegrityError:
        row = ReminderSettings.objects.get(patient=patient)
    patient.reminder_settings = row
    return row


@transaction.atomic
def reminder_settings_update(
    *,
    patient: Patient,
    channels: Iterable[str],
    times: Iterable[str],
    weekdays: int | None = None,
    second_nudge_at: datetime.time | None = None,
    quiet_from: datetime.time | None = None,
    quiet_until: datetime.time | None = None,
    timezone_name: str = "",
) -> ReminderSettings:
    """Save a patient's choices. Any bad value raises ValidationError and nothing changes."""
    chosen = parse_channels(channels)
    clean_times = parse_times(times)
    if weekdays is not None and not 1 <= weekdays <= ALL_WEEKDAYS:
        raise ValidationError({"weekdays": _("Choose at least one day of the week.")})
    if (quiet_from is None) != (quiet_until is None):
        raise ValidationError(
            {"quiet_until": _("Give both the start and the end of the quiet hours.")}
        )
    row = reminder_settings_get_or_create(patient=patient)
    row.email = Channel.EMAIL in chosen
    row.push = Channel.PUSH in chosen
    row.calendar = Channel.CALENDAR in chosen
    row.times = clean_times
    row.weekdays = weekdays
    row.second_nudge_at = second_nudge_at
    row.quiet_from = quiet_from
    row.quiet_until = quiet_until
    row.timezone = timezone_name or ""
    row.full_clean(exclude=["patient"])
    if row.calendar and not row.feed_id:
        _new_feed_id(row)
    row.save()
    return row


@transaction.atomic
def clinic_reminder_defaults_update(*, clinic, **fields) -> ClinicReminderDefaults:
    """The clinic's defaults for patients who have not chosen (admin and API)."""
    row, _created = ClinicReminderDefaults.objects.get_or_create(
        clinic=clinic, defaults={"times": list(DEFAULT_TIMES)}
    )
    if "times" in fields:
        fields["times"] = parse_times(fields["times"])
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def reminders_email_off(*, patient: Patient) -> ReminderSettings:
    """The one-click unsubscribe: email reminders off, every other choice untouched."""
    row = reminder_settings_get_or_create(patient=patient)
    if row.email:
        row.email = False
        row.save(update_fields=["email", "updated_at"])
    return row


def patient_for_unsubscribe_token(token: str) -> Patient | None:
    try:
        patient_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Patient.objects.select_related("clinic").filter(pk=patient_id).first()


# The calendar feed's secret link -------------------------------------------------------


def _feed_signature(feed_id: str) -> str:
    return salted_hmac("limber.reminders.feed", feed_id, algorithm="sha256").hexdigest()[:32]


def _new_feed_id(row: ReminderSettings) -> None:
    row.feed_id = secrets.token_hex(16)
    row.feed_reset_at = timezone.now()


def calendar_feed_token(row: ReminderSettings) -> str:
    """The secret part of the feed's URL: the stored id and an HMAC of it, so a copy of the
    database alone does not give anyone the link."""
    return f"{row.feed_id}-{_feed_signature(row.feed_id)}"


def settings_for_feed_token(token: str) -> ReminderSettings | None:
    feed_id, _sep, signature = token.partition("-")
    if not feed_id or not hmac.compare_digest(signature, _feed_signature(feed_id)):
        return None
    return (
        ReminderSettings.objects.select_related("patient__clinic__reminder_defaults")
        .filter(feed_id=feed_id, patient__archived_at__isnull=True)
        .first()
    )


@transaction.atomic
def calendar_feed_reset(*, patient: Patient) -> ReminderSettings:
    """A new secret link for the patient's calendar feed; the old one answers 404 at once."""
    row = reminder_settings_get_or_create(patient=patient)
    _new_feed_id(row)
    row.save(update_fields=["feed_id", "feed_reset_at", "updated_at"])
    return row


# Push subscriptions ----------------------------------------------------------------------


def _b64url_bytes(value: str, field: str, size: int) -> None:
    import base64

    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != size:
        raise ValidationError({field: _("This is not a browser's push subscription key.")})


def push_endpoint_allowed(endpoint: str) -> bool:
    """Only the push services in PUSH_SERVICE_HOSTS, over https: a subscription naming any
    other URL would make the worker post wherever it points."""
    parts = urlsplit(endpoint)
    if not parts.hostname or parts.username or parts.password:
        return False
    origin = f"{parts.scheme}://{parts.netloc}"
    for allowed in settings.PUSH_SERVICE_HOSTS:
        if "://" in allowed:
            if origin == allowed.rstrip("/"):
                return True
        elif parts.scheme == "https" and parts.port in (None, 443):
            if allowed.startswith("*."):
                if parts.hostname.endswith(allowed[1:]):
                    return True
            elif parts.hostname == allowed:
                return True
    return False


@transaction.atomic
def push_subscription_save(
    *, patient: Patient, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep a browser's subscription for the patient and turn notifications on."""
    if not push_configured():
        raise ValidationError({"endpoint": _("Notifications are not set up on this server.")})
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not push_endpoint_allowed(endpoint):
        raise ValidationError(
            {"endpoint": _("This is not a push service Limber sends notifications through.")}
        )
    _b64url_bytes(p256dh, "p256dh", 65)
    _b64url_bytes(auth, "auth", 16)
    subscription = PushSubscription.objects.filter(endpoint=endpoint).first()
    if subscription is not None and subscription.patient_id != patient.pk:
        # One browser, another patient now signed in on it: it is theirs from now on.
        subscription.delete()
        subscription = None
    if subscription is None:
        subscription = PushSubscription(patient=patient, endpoint=endpoint)
    subscription.p256dh = p256dh
    subscription.auth = auth
    subscription.gone_at = None
    subscription.save()
    row = reminder_settings_get_or_create(patient=patient)
    if not row.push:
        row.push = True
        row.save(update_fields=["push", "updated_at"])
    return subscription


# Planning ----------------------------------------------------------------------------------


def _patients_to_remind(now: datetime.datetime):
    running = Assignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=now.date() - datetime.timedelta(days=2))
    ).prefetch_related(Prefetch("pauses", queryset=AssignmentPause.objects.all()))
    return (
        Patient.objects.filter(archived_at__isnull=True, user__is_active=True)
        .select_related("clinic__reminder_defaults", "reminder_settings")
        .prefetch_related(Prefetch("assignments", queryset=running, to_attr="plans"))
    )


def _sessions_done(patient: Patient, clinic_day: datetime.date) -> int:
    return Session.objects.filter(
        patient=patient, local_date=clinic_day, finished_at__isnull=False
    ).count()


def reminders_plan(*, now: datetime.datetime | None = None) -> int:
    """Make the Delivery rows for every reminder that has fallen due in the last
    REMINDER_GRACE_MINUTES. Idempotent: a row that exists already is left alone, so every
    worker may plan every minute. A reminder later than the grace (the worker was down)
    is not sent at all: a 07:30 reminder at noon would only confuse. Returns rows made."""
    now = now or timezone.now()
    grace = datetime.timedelta(minutes=settings.REMINDER_GRACE_MINUTES)
    existing = set(
        Delivery.objects.filter(due_at__gte=now - grace - datetime.timedelta(days=1)).values_list(
            "patient_id", "local_date", "slot"
        )
    )
    rows = []
    for patient in _patients_to_remind(now):
        choices = schedule.choices_for(patient)
        channels = [c for c in (Channel.EMAIL, Channel.PUSH) if getattr(choices, c)]
        if not channels or not patient.plans:
            continue
        local_today = now.astimezone(choices.zone).date()
        for day in (local_today - datetime.timedelta(days=1), local_today):
            for slot in schedule.slots_on(choices, day):
                if not now - grace <= slot.due_at <= now:
                    continue
                if (patient.pk, slot.local_date, slot.name) in existing:
                    continue
                clinic_day = slot.due_at.astimezone(patient.clinic.zone).date()
                due = schedule.sessions_due(patient.plans, clinic_day)
                if not due:
                    continue
                if slot.kind == Delivery.Kind.SECOND and _sessions_done(patient, clinic_day) >= due:
                    continue
                rows += [
                    Delivery(
                        patient=patient,
                        local_date=slot.local_date,
                        slot=slot.name,
                        channel=channel,
                        kind=slot.kind,
                        due_at=slot.due_at,
                        next_attempt_at=slot.due_at,
                    )
                    for channel in channels
                ]
    made = Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(made)


# The staff nudge ------------------------------------------------------------------------------


def nudge_channels(patient: Patient) -> list[str]:
    """The channels a reminder sent now could actually reach, by the patient's choices."""
    choices = schedule.choices_for(patient)
    channels = []
    if choices.email and patient.email:
        channels.append(Channel.EMAIL)
    if (
        choices.push
        and push_configured()
        and patient.push_subscriptions.filter(gone_at__isnull=True).exists()
    ):
        channels.append(Channel.PUSH)
    return channels


@transaction.atomic
def reminder_nudge(*, patient: Patient, requested_by, now=None) -> list[Delivery]:
    """ "Send a reminder now" from staff: one Delivery per reachable channel, sent by the
    worker. At most one per patient per REMINDER_NUDGE_COOLDOWN_MINUTES, counted in the
    database (not a process cache) so every app server sees the same limit."""
    now = now or timezone.now()
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    cooldown = datetime.timedelta(minutes=settings.REMINDER_NUDGE_COOLDOWN_MINUTES)
    recent = Delivery.objects.filter(
        patient=patient, kind=Delivery.Kind.STAFF, created_at__gt=now - cooldown
    ).exists()
    if recent:
        raise ValidationError(
            ngettext(
                "A reminder was sent to this patient less than %(minutes)d minute ago.",
                "A reminder was sent to this patient less than %(minutes)d minutes ago.",
                settings.REMINDER_NUDGE_COOLDOWN_MINUTES,
            )
            % {"minutes": settings.REMINDER_NUDGE_COOLDOWN_MINUTES}
        )
    if patient.archived_at is not None:
        raise ValidationError(_("This patient is archived."))
    channels = nudge_channels(patient)
    if not channels:
        raise ValidationError(
            _(
                "This patient cannot be reminded: no email address with email reminders on, "
                "and no device with notifications on."
            )
        )
    choices = schedule.choices_for(patient)
    local = now.astimezone(choices.zone)
    due = schedule.after_quiet_hours(now, choices)
    rows = [
        Delivery(
            patient=patient,
            local_date=local.date(),
            # Unique to the moment: the cooldown keeps nudges apart, this keeps rows apart.
            slot=f"staff {local:%H:%M:%S.%f}"[:20],
            channel=channel,
            kind=Delivery.Kind.STAFF,
            requested_by=requested_by,
            due_at=due,
            next_attempt_at=due,
        )
        for channel in channels
    ]
    for row in rows:
        row.save()
    transaction.on_commit(_enqueue_send)
    return rows


def _enqueue_send() -> None:
    """Wake the worker: the nudge goes out within seconds instead of on the next minute."""
    from django_q.tasks import async_task

    async_task("patients.reminders.tasks.send_due_reminders", task_name="reminders-now")


# The worker ------------------------------------------------------------------------------------


def _claimable(now: datetime.datetime) -> Q:
    return Q(state=Delivery.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Delivery.State.SENDING, lease_until__lt=now
    )


def delivery_claim(*, now: datetime.datetime | None = None) -> Delivery | None:
    """Take one due delivery for this worker, or None when nothing is due.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets each worker pass over rows another is claiming.
    The UPDATE repeats the "still claimable" test, which is what makes SQLite (which has no
    row locks and ignores select_for_update) just as safe.
    """
    now = now or timezone.now()
    claim = secrets.token_hex(16)
    lease = now + datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    for _attempt in range(5):
        with transaction.atomic():
            candidate = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(_claimable(now))
                .order_by("next_attempt_at", "id")
                .values_list("id", flat=True)[:1]
            )
            if not candidate:
                return None
            taken = Delivery.objects.filter(_claimable(now), pk=candidate[0]).update(
                state=Delivery.State.SENDING,
                claim=claim,
                lease_until=lease,
                attempts=F("attempts") + 1,
            )
        if taken:
            return Delivery.objects.select_related("patient__clinic").get(pk=candidate[0])
    return None


def _record(delivery: Delivery, **fields) -> bool:
    """Write the outcome, only if this worker's claim still holds."""
    fields.setdefault("lease_until", None)
    updated = Delivery.objects.filter(
        pk=delivery.pk, claim=delivery.claim, state=Delivery.State.SENDING
    ).update(**fields)
    return bool(updated)


def _retry_or_give_up(delivery: Delivery, reason: str, now: datetime.datetime) -> None:
    if delivery.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        _record(delivery, state=Delivery.State.GIVEN_UP, last_error=reason[:300])
        logger.warning("reminder %s given up: %s", delivery.pk, reason)
        return
    wait = settings.REMINDER_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
    _record(
        delivery,
        state=Delivery.State.PENDING,
        next_attempt_at=now + datetime.timedelta(seconds=wait),
        last_error=reason[:300],
    )


def delivery_attempt(*, delivery: Delivery) -> str:
    """Send one claimed delivery and record what happened: its new state."""
    now = timezone.now()
    if delivery.attempts > settings.REMINDER_MAX_ATTEMPTS:
        _record(delivery, state=Delivery.State.GIVEN_UP, last_error=_("too many attempts"))
        return Delivery.State.GIVEN_UP
    if delivery.kind == Delivery.Kind.SECOND:
        # Planned because the session was not done; it may be done by now.
        clinic_day = delivery.due_at.astimezone(delivery.patient.clinic.zone).date()
        plans = list(delivery.patient.assignments.prefetch_related("pauses"))
        if _sessions_done(delivery.patient, clinic_day) >= schedule.sessions_due(plans, clinic_day):
            _record(delivery, state=Delivery.State.SKIPPED, last_error=_("session done"))
            return Delivery.State.SKIPPED
    try:
        if delivery.channel == Channel.EMAIL:
            sending.send_email(delivery)
        else:
            sending.send_push(delivery)
    except sending.PermanentFailure as failure:
        _record(delivery, state=Delivery.State.GIVEN_UP, last_error=str(failure)[:300])
        return Delivery.State.GIVEN_UP
    except Exception as error:  # SMTP, network, a push service's 5xx: try again later
        logger.info("reminder %s failed (attempt %s): %r", delivery.pk, delivery.attempts, error)
        _retry_or_give_up(delivery, sending.describe(error, delivery.channel), now)
        return Delivery.State.PENDING
    _record(delivery, state=Delivery.State.SENT, sent_at=timezone.now(), last_error="")
    return Delivery.State.SENT


def reminders_send_due(*, limit: int | None = None) -> int:
    """Claim and send due deliveries one at a time until none is due (or `limit`)."""
    handled = 0
    while limit is None or handled < limit:
        delivery = delivery_claim()
        if delivery is None:
            break
        delivery_attempt(delivery=delivery)
        handled += 1
    return handled
