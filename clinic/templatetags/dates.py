"""The date filters, so that no template spells a format (clinic/dates.py, clinic/formats):

    {% load dates %}
    {{ session.local_date|day }}             Tuesday 1 December
    {{ assignment.starts_on|short_date }}    1 Dec 2026
    {{ invitation.expires_at|date_time:clinic.zone }}   1 Dec 2026, 10:11
    {{ completion.recorded_at|time_of_day:clinic.zone }}   10:11

The argument, where given, is the zone whose clock a moment is read on (the clinic's).
"""

from django import template

from clinic import dates

register = template.Library()


@register.filter
def day(value, zone=None):
    return dates.day(value, zone)


@register.filter
def short_date(value, zone=None):
    return dates.short_date(value, zone)


@register.filter
def date_time(value, zone=None):
    return dates.date_time(value, zone)


@register.filter
def time_of_day(value, zone=None):
    return dates.time_of_day(value, zone)


@register.filter
def weekday(value):
    return dates.weekday(value)


@register.filter
def weekday_abbr(value):
    return dates.weekday_abbr(value)


@register.filter
def month_abbr(value):
    return dates.month_abbr(value)
