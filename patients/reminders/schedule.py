"""When a patient's reminders fall: times of day in the patient's zone, turned into instants.

Pure functions over loaded objects (no queries), so the rules can be pinned by tests across
daylight-saving changes and for a patient in another zone than the clinic.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from patients.models import Assignment, Patient
from patients.plans.schedule import sessions_due_on

from .models import DEFAULT_TIMES, ReminderChoices


@dataclass(frozen=True)
class Choices:
    """A patient's reminder choices in force: their own, or their clinic's defaults."""

    email: bool
    push: bool
    calendar: bool
    times: tuple[datetime.time, ...]
    weekdays: int | None
    second_nudge_at: datetime.time | None
    quiet_from: datetime.time | None
    quiet_until: datetime.time | None
    zone: zoneinfo.ZoneInfo
    own: bool = field(default=False)

    @property
    def channels(self) -> list[str]:
        return [name for name in ("email", "push", "calendar") if getattr(self, name)]


def _times(values: list[str]) -> tuple[datetime.time, ...]:
    return tuple(sorted(datetime.time.fromisoformat(value) for value in values))


def choices_for(patient: Patient) -> Choices:
    """The patient's own settings if they made any, else the clinic's defaults, else the
    built-in default (email at 08:00). Uses `patient.reminder_settings` and
    `patient.clinic.reminder_defaults`: select_related them when looping."""
    clinic = patient.clinic
    own = getattr(patient, "reminder_settings", None)
    source: ReminderChoices | None = own or getattr(clinic, "reminder_defaults", None)
    if source is None:
        return Choices(
            email=True,
            push=False,
            calendar=False,
            times=_times(DEFAULT_TIMES),
            weekdays=None,
            second_nudge_at=None,
            quiet_from=None,
            quiet_until=None,
            zone=clinic.zone,
        )
    zone_name = (own.timezone if own is not None else "") or clinic.timezone
    return Choices(
        email=source.email,
        push=source.push,
        calendar=source.calendar,
        times=_times(source.times or DEFAULT_TIMES),
        weekdays=own.weekdays if own is not None else None,
        second_nudge_at=source.second_nudge_at,
        quiet_from=source.quiet_from,
        quiet_until=source.quiet_until,
        zone=zoneinfo.ZoneInfo(zone_name),
        own=own is not None,
    )


def in_quiet_hours(moment: datetime.time, quiet_from, quiet_until) -> bool:
    """Whether a time of day falls in the quiet window [from, until), which may wrap past
    midnight (22:00–07:00)."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= moment < quiet_until
    return moment >= quiet_from or moment < quiet_until


def local_instant(day: datetime.date, moment: datetime.time, zone) -> datetime.datetime:
    """`moment` on `day` on the wall clock of `zone`, as an aware datetime in UTC.

    On a spring-forward day a time in the gap (02:30) comes out as the wall clock after
    the change shows it (03:30); on a fall-back day an ambiguous time is its first
    occurrence. Either way the reminder comes once, at the time the patient's clock shows.
    """
    local = datetime.datetime.combine(day, moment, tzinfo=zone)
    return local.astimezone(datetime.UTC)


def after_quiet_hours(instant: datetime.datetime, choices: Choices) -> datetime.datetime:
    """`instant`, or the end of the quiet hours it falls in (the patient's wall clock)."""
    local = instant.astimezone(choices.zone)
    if not in_quiet_hours(local.time(), choices.quiet_from, choices.quiet_until):
        return instant
    day = local.date()
    if local.time() >= choices.quiet_until:
        day += datetime.timedelta(days=1)
    return local_instant(day, choices.quiet_until, choices.zone)


@dataclass(frozen=True)
class Slot:
    """One reminder a patient is due on their local day: "07:30" or "second 18:00"."""

    local_date: datetime.date
    name: str
    kind: str
    due_at: datetime.datetime


def slots_on(choices: Choices, day: datetime.date) -> list[Slot]:
    """The reminders of the patient's local `day` by their choices alone (the plan is
    checked by the caller): each chosen time, then the second nudge."""
    if choices.weekdays is not None and not choices.weekdays & (1 << day.weekday()):
        return []
    slots = [
        Slot(
            day,
            moment.strftime("%H:%M"),
            "scheduled",
            after_quiet_hours(local_instant(day, moment, choices.zone), choices),
        )
        for moment in choices.times
    ]
    if choices.second_nudge_at is not None:
        moment = choices.second_nudge_at
        slots.append(
            Slot(
                day,
                f"second {moment:%H:%M}",
                "second",
                after_quiet_hours(local_instant(day, moment, choices.zone), choices),
            )
        )
    return slots


def sessions_due(assignments: list[Assignment], clinic_day: datetime.date) -> int:
    """How many sessions the patient's plans ask for on the clinic's `clinic_day`."""
    return sum(sessions_due_on(assignment, clinic_day) for assignment in assignments)
