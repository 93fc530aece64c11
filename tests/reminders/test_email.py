"""Reminder email through a real SMTP server on loopback (aiosmtpd), read back; the
one-click unsubscribe; retries with backoff when the mail server is down."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients.reminders.models import Delivery
from patients.reminders.services import (
    reminder_settings_update,
    reminders_plan,
    reminders_send_due,
    unsubscribe_token,
)
from tests import factories

from .conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def remindable(patient):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1))
    reminder_settings_update(
        patient=patient,
        channels=["email", "calendar"],
        times=["07:30"],
        second_nudge_at=datetime.time(19, 0),
    )
    return patient


def _plan_one(patient) -> Delivery:
    # 07:30 in Amsterdam on Monday 2 February 2026.
    assert reminders_plan(now=datetime.datetime(2026, 2, 2, 6, 30, tzinfo=datetime.UTC)) == 1
    return Delivery.objects.get(patient=patient)


def test_reminder_email_arrives_with_the_one_tap_link_and_unsubscribe_headers(
    remindable, smtp_server, site_url
):
    delivery = _plan_one(remindable)
    assert reminders_send_due() == 1

    (message,) = smtp_server.messages
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "Time for your stretches"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{site_url}/today/" in body
    token = unsubscribe_token(remindable)
    unsubscribe = f"{site_url}/reminders/unsubscribe/{token}/"
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == f"<reminder-{delivery.pk}@limber.example.org>"
    assert unsubscribe in body

    delivery.refresh_from_db()
    assert delivery.state == "sent"
    assert delivery.attempts == 1
    assert delivery.sent_at is not None


def test_one_click_unsubscribe_turns_off_email_and_nothing_else(remindable, smtp_server, site_url):
    _plan_one(remindable)
    reminders_send_due()
    (message,) = smtp_server.messages
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"].strip())[1]
    path = url.removeprefix(site_url)

    # What a mail provider sends (RFC 8058): a POST, no cookies, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    settings_row = remindable.reminder_settings
    settings_row.refresh_from_db()
    assert settings_row.email is False
    assert (settings_row.calendar, settings_row.times) == (True, ["07:30"])
    assert settings_row.second_nudge_at == datetime.time(19, 0)
    assert remindable.assignments.get().ends_on is None


def test_unsubscribe_link_asks_before_it_changes_anything(client, remindable):
    url = reverse("reminders:unsubscribe", args=[unsubscribe_token(remindable)])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Stop email reminders" in response.content
    remindable.reminder_settings.refresh_from_db()
    assert remindable.reminder_settings.email is True


def test_unsubscribe_with_a_forged_token_is_404_and_changes_nothing(client, remindable):
    token = unsubscribe_token(remindable)
    forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    for url in (
        reverse("reminders:unsubscribe", args=[forged]),
        reverse("reminders:unsubscribe", args=[str(remindable.pk)]),
    ):
        assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 404
    remindable.reminder_settings.refresh_from_db()
    assert remindable.reminder_settings.email is True


def _due_again(delivery: Delivery) -> None:
    """Time passes: the retry falls due."""
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_mail_server_down_is_retried_with_backoff_then_given_up(remindable, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.REMINDER_RETRY_SECONDS, settings.REMINDER_MAX_ATTEMPTS = 60, 4
    delivery = _plan_one(remindable)
    waits = []
    for attempt in range(1, 4):
        before = timezone.now()
        assert reminders_send_due() == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("pending", attempt)
        assert delivery.last_error == "mail server unreachable"
        waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
        assert reminders_send_due() == 0  # not due again yet
        _due_again(delivery)
    assert waits == [1, 2, 4]
    reminders_send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("given_up", 4)
    assert delivery.sent_at is None


def test_mail_server_back_up_gets_the_reminder_once(remindable, smtp_server, settings):
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    delivery = _plan_one(remindable)
    reminders_send_due()
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    settings.EMAIL_PORT = real_port
    _due_again(delivery)
    reminders_send_due()
    reminders_send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert len(smtp_server.messages) == 1


def test_no_email_address_is_given_up_with_the_reason(remindable, smtp_server):
    delivery = _plan_one(remindable)
    remindable.email = ""
    remindable.save(update_fields=["email"])
    reminders_send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error) == ("given_up", "no email address")
    assert smtp_server.messages == []


def test_second_reminder_is_not_sent_when_the_session_got_done(remindable, smtp_server):
    reminders_plan(now=datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC))
    delivery = Delivery.objects.get(patient=remindable, kind="second")
    factories.make_finished_session(
        remindable.assignments.get(), when=datetime.datetime(2026, 2, 2, 18, 5, tzinfo=datetime.UTC)
    )
    reminders_send_due()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error) == ("skipped", "session done")
    assert smtp_server.messages == []
