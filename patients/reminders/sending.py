"""What goes on the wire: the reminder email and the Web Push message.

Called only by the worker (services.delivery_attempt), never inside a web request. A
PermanentFailure gives the delivery up at once with its reason; any other exception is
retried with backoff.
"""

import json
import smtplib
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clinic.languages.resolve import person_language

from .models import Delivery


class PermanentFailure(Exception):
    """Sending again would not help (no address, the subscription expired, channel off)."""


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def today_url() -> str:
    return absolute_url(reverse("patients:today"))


UNSUBSCRIBE_SALT = "limber.reminders.unsubscribe"


def push_configured() -> bool:
    """Web push needs the server's VAPID keys; without them the channel is not offered."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def unsubscribe_token(patient) -> str:
    """A signed, non-expiring token naming the patient, for the unsubscribe link: the link
    in an old email must still work."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(patient.pk))


def unsubscribe_url(patient) -> str:
    return absolute_url(reverse("reminders:unsubscribe", args=[unsubscribe_token(patient)]))


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _subject(delivery: Delivery) -> str:
    if delivery.kind == Delivery.Kind.SECOND:
        return _("Still time for today's stretches")
    if delivery.kind == Delivery.Kind.STAFF:
        return _("%(clinic)s: time for your stretches") % {"clinic": delivery.patient.clinic}
    return _("Time for your stretches")


def reminder_email(delivery: Delivery) -> EmailMessage:
    """The reminder email: one link to Today, and a one-click unsubscribe (RFC 8058) that
    turns email reminders off and nothing else."""
    from . import schedule

    patient = delivery.patient
    if not patient.email:
        raise PermanentFailure(_("no email address"))
    if not schedule.choices_for(patient).email:
        raise PermanentFailure(_("email reminders were turned off"))
    link = today_url()
    unsubscribe = unsubscribe_url(patient)
    body = "\n".join(
        [
            _("Hello %(name)s,") % {"name": patient.first_name},
            "",
            _("Your stretching session is waiting for you. Open it with one tap:"),
            link,
            "",
            _("Move slowly, never force a position, and stop if a stretch causes sharp pain."),
            "",
            "-- ",
            str(patient.clinic),
            _("To stop these emails: %(url)s") % {"url": unsubscribe},
        ]
    )
    list_unsubscribe = f"<{unsubscribe}>"
    if settings.REMINDER_UNSUBSCRIBE_MAILTO:
        list_unsubscribe += f", <mailto:{settings.REMINDER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>"
    return EmailMessage(
        subject=_subject(delivery),
        body=body,
        to=[patient.email],
        headers={
            # One id per delivery: a resend after a crash mid-send is the same message.
            "Message-ID": f"<reminder-{delivery.pk}@{_site_host()}>",
            "List-Unsubscribe": list_unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def send_email(delivery: Delivery) -> None:
    with translation.override(person_language(delivery.patient)):
        message = reminder_email(delivery)
    message.connection = get_connection(fail_silently=False)
    message.send()


def push_payload(delivery: Delivery) -> dict:
    """What the service worker (static/limber/push-sw.js) shows. The tag is the delivery's,
    so a resend after a crash replaces the notification instead of adding one."""
    return {
        "title": _subject(delivery),
        "body": _("Your stretching session is waiting. Tap to open it."),
        "url": today_url(),
        "tag": f"reminder-{delivery.pk}",
    }


def send_push(delivery: Delivery) -> None:
    from pywebpush import WebPushException, webpush

    from . import schedule

    patient = delivery.patient
    if not push_configured():
        raise PermanentFailure(_("notifications are not set up on this server"))
    if not schedule.choices_for(patient).push:
        raise PermanentFailure(_("notifications were turned off"))
    subscriptions = list(patient.push_subscriptions.filter(gone_at__isnull=True))
    if not subscriptions:
        raise PermanentFailure(_("no device with notifications on"))
    with translation.override(person_language(delivery.patient)):
        data = json.dumps(push_payload(delivery))
    delivered, retry, refused = 0, [], []
    for subscription in subscriptions:
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=settings.VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=settings.PUSH_TTL_SECONDS,
                timeout=settings.PUSH_TIMEOUT_SECONDS,
                headers={"Topic": f"reminder{delivery.pk}", "Urgency": "normal"},
            )
            delivered += 1
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                subscription.gone_at = timezone.now()
                subscription.save(update_fields=["gone_at"])
            elif status is not None and 400 <= status < 500 and status != 429:
                refused.append(_("the push service refused it (%(status)s)") % {"status": status})
            else:
                retry.append(error)
        except (requests.RequestException, OSError) as error:
            retry.append(error)
    if delivered:
        return
    if retry:
        raise retry[0]
    if refused:
        raise PermanentFailure(refused[0])
    raise PermanentFailure(_("subscription expired"))


def describe(error: Exception, channel: str) -> str:
    """A short reason for the delivery log, without anything the patient wrote."""
    if isinstance(error, smtplib.SMTPResponseException):
        return _("mail server answered %(code)s") % {"code": error.smtp_code}
    status = getattr(getattr(error, "response", None), "status_code", None)
    if status is not None:
        return _("push service answered %(status)s") % {"status": status}
    if channel == "email":
        return _("mail server unreachable")
    return _("push service unreachable")
