"""The private calendar feed (iCalendar): each scheduled session as an event with an alarm
at the patient's reminder time, in the patient's zone."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Alarm, Calendar, Event

from patients.models import Patient

from . import schedule, selectors
from .sending import today_url

EVENT_MINUTES = 15


def calendar_feed(patient: Patient) -> bytes:
    """The feed's text. Built on each request, so a changed, paused or ended plan shows at
    the calendar app's next refresh."""
    choices = schedule.choices_for(patient)
    start = patient.clinic.today()
    days = selectors.scheduled_days(
        patient=patient, start=start, days=7 * settings.REMINDER_FEED_WEEKS
    )
    first_time = choices.times[0]
    calendar = Calendar()
    calendar.add("prodid", "-//Limber//Reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Stretching (Limber)"))
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    link = today_url()
    for day, plan, count in days:
        begins = datetime.datetime.combine(day, first_time, tzinfo=choices.zone)
        event = Event()
        event.add("uid", f"limber-{plan.pk}-{day:%Y%m%d}@{settings.SITE_URL.split('//')[-1]}")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("dtend", begins + datetime.timedelta(minutes=EVENT_MINUTES))
        # Neutral words: a calendar is often synced to other services and shown to others.
        event.add(
            "summary",
            ngettext("Stretching session", "%(n)d stretching sessions", count) % {"n": count},
        )
        event.add("description", _("Open it in Limber: %(url)s") % {"url": link})
        event.add("url", link)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Time for your stretches"))
        alarm.add("trigger", datetime.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
