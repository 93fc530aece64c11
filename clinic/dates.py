"""Dates and times as people read them, one format per kind (clinic/formats): a day, a
short date, a date and time, a time of day. Templates use them as the `dates` filters
(`{% load dates %}`); Python-made messages (emails, summaries, notices) call them.

A moment (an aware datetime) is shown on the clock of the zone given, the clinic's; without
one, on the current zone. Machine-readable places (datetime="", CSV, JSON, ICS, FHIR) keep
ISO 8601 and never come through here.
"""

import datetime
import zoneinfo

from django.utils import formats, timezone

Zone = zoneinfo.ZoneInfo | datetime.tzinfo | str | None


def _zone(zone: Zone) -> datetime.tzinfo | None:
    if isinstance(zone, str):
        return zoneinfo.ZoneInfo(zone) if zone else None
    return zone


def _local(value, zone: Zone):
    """A moment (aware datetime) on the zone's clock; a date or a time of day as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, _zone(zone))
    return value


def day(value: datetime.date | datetime.datetime | None, zone: Zone = None) -> str:
    """ "Tuesday 1 December" ("mardi 1 décembre"); the year is added when it is not this
    year's, so a history reaching back never leaves a day ambiguous."""
    if value in (None, ""):
        return ""
    value = _local(value, zone)
    date = value.date() if isinstance(value, datetime.datetime) else value
    this_year = timezone.localdate(timezone=_zone(zone)).year
    kind = "DAY_FORMAT" if date.year == this_year else "DAY_WITH_YEAR_FORMAT"
    return formats.date_format(value, kind)


def short_date(value: datetime.date | datetime.datetime | None, zone: Zone = None) -> str:
    """ "1 Dec 2026" ("1 déc. 2026")."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value, zone), "SHORT_DATE_FORMAT")


def date_time(value: datetime.datetime | None, zone: Zone = None) -> str:
    """ "1 Dec 2026, 10:11" ("1 déc. 2026, 10 h 11"), on the zone's clock."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value, zone), "DATETIME_FORMAT")


def time_of_day(value: datetime.time | datetime.datetime | None, zone: Zone = None) -> str:
    """ "10:11" ("10 h 11"), on the zone's clock."""
    if value in (None, ""):
        return ""
    return formats.time_format(_local(value, zone))


def weekday(value: datetime.date | None) -> str:
    """ "Tuesday" ("mardi"): a day's name, where the date is shown beside it."""
    return formats.date_format(value, "WEEKDAY_FORMAT") if value else ""


def weekday_abbr(value: datetime.date | None) -> str:
    """ "Tue" ("mar."): a calendar's column heading."""
    return formats.date_format(value, "WEEKDAY_ABBR_FORMAT") if value else ""


def month_abbr(value: datetime.date | None) -> str:
    """ "Dec" ("déc."): a calendar cell's month, beside its day number."""
    return formats.date_format(value, "MONTH_ABBR_FORMAT") if value else ""
