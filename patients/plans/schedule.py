"""When an assignment is due: its dates, days of the week and pauses, on a clinic-local date.

Pure functions over loaded objects. They read `assignment.pauses.all()`, so prefetch
`pauses` when looping over many assignments.
"""

import datetime

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Assignment


def is_paused_on(assignment: Assignment, day: datetime.date) -> bool:
    """A pause covers its first and last day; an open pause runs on for ever."""
    return any(
        pause.starts_on <= day and (pause.ends_on is None or day <= pause.ends_on)
        for pause in assignment.pauses.all()
    )


def assignment_state(
    assignment: Assignment, day: datetime.date, *, paused: bool | None = None
) -> str:
    """ "upcoming", "ended", "paused" or "running" on `day`. `paused` says whether a pause
    covers `day` when the caller asked the database already; otherwise the pauses decide."""
    if day < assignment.starts_on:
        return "upcoming"
    if assignment.ends_on is not None and day > assignment.ends_on:
        return "ended"
    if is_paused_on(assignment, day) if paused is None else paused:
        return "paused"
    return "running"


def sessions_due_on(
    assignment: Assignment, day: datetime.date, *, paused: bool | None = None
) -> int:
    """How many sessions the plan asks for on `day`: none when it is not running or off."""
    if assignment_state(assignment, day, paused=paused) != "running":
        return 0
    if not assignment.runs_on_weekday(day.weekday()):
        return 0
    return assignment.sessions_per_day


def schedule_in_words(assignment: Assignment) -> str:
    """ "Monday, Wednesday and Friday · twice a day", for the patient's plan."""
    days = [str(WEEKDAYS[bit]) for bit in range(7) if assignment.weekdays & (1 << bit)]
    if len(days) == len(WEEKDAYS):
        when = _("Every day")
    elif len(days) == 1:
        when = days[0]
    else:
        when = _("%(days)s and %(last)s") % {"days": ", ".join(days[:-1]), "last": days[-1]}
    per_day = assignment.sessions_per_day
    times = (
        _("once a day")
        if per_day == 1
        else ngettext("%(n)d time a day", "%(n)d times a day", per_day) % {"n": per_day}
    )
    return f"{when} · {times}"
