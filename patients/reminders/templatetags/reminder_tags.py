"""The delivery log in words ("emailed 07:30", "push failed: subscription expired") and the
staff's reminder panel, kept here so the staff pages need only a tag."""

import datetime

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from clinic import dates

from ..models import Channel, Delivery
from ..selectors import delivery_log

register = template.Library()


@register.filter
def delivery_text(delivery: Delivery, zone) -> str:
    channel = _("email") if delivery.channel == Channel.EMAIL else _("push")
    if delivery.state == Delivery.State.SENT:
        at = dates.time_of_day(delivery.sent_at, zone)
        if delivery.channel == Channel.EMAIL:
            return _("emailed %(time)s") % {"time": at}
        return _("push sent %(time)s") % {"time": at}
    if delivery.state == Delivery.State.GIVEN_UP:
        return _("%(channel)s failed: %(reason)s") % {
            "channel": channel,
            "reason": delivery.last_error,
        }
    if delivery.state == Delivery.State.SKIPPED:
        return _("%(channel)s not needed: %(reason)s") % {
            "channel": channel,
            "reason": delivery.last_error,
        }
    due = dates.time_of_day(delivery.next_attempt_at, zone)
    if delivery.state == Delivery.State.SENDING:
        return _("%(channel)s sending") % {"channel": channel}
    if delivery.attempts:
        return _("%(channel)s retrying at %(time)s (%(reason)s)") % {
            "channel": channel,
            "time": due,
            "reason": delivery.last_error,
        }
    return _("%(channel)s due %(time)s") % {"channel": channel, "time": due}


@register.filter
def delivery_label(delivery: Delivery) -> str:
    if delivery.kind == Delivery.Kind.STAFF:
        who = delivery.requested_by or _("staff")
        return _("Sent now by %(name)s") % {"name": who}
    if delivery.kind == Delivery.Kind.SECOND:
        return _("Second reminder, %(time)s") % {"time": _slot_time(delivery.slot.split()[-1])}
    return _("Reminder, %(time)s") % {"time": _slot_time(delivery.slot)}


def _slot_time(slot: str) -> str:
    """A slot is stored as "07:30", the patient's wall clock; said as the language says times."""
    try:
        return dates.time_of_day(datetime.time.fromisoformat(slot))
    except ValueError:
        return slot


@register.inclusion_tag("reminders/_staff_panel.html", takes_context=True)
def reminder_panel(context, patient):
    """The patient page's "Reminders" card: the delivery log and the staff's actions."""
    return {
        "patient": patient,
        "log": delivery_log(patient=patient),
        "zone": patient.clinic.zone,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def reminder_nudge_button(context, patient, next_url=""):
    """The "Send a reminder now" form. Drawn here rather than included: the staff home page
    shows one on each of its twenty cards, and an included template cost 0.7 ms apiece."""
    next_field = (
        format_html('<input type="hidden" name="next" value="{}">', next_url) if next_url else ""
    )
    return format_html(
        '<form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
        '<button type="submit">{}<span class="visually-hidden"> {}</span></button></form>',
        reverse("reminders:staff_nudge", args=[patient.pk]),
        context.get("csrf_token") or "",
        next_field,
        _("Send a reminder now"),
        _("to %(name)s") % {"name": patient},
    )
