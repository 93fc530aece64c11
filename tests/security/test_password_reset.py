"""Self-service password reset: same answer for any address, one hour, one use, limited."""

import email
import re
import socket
import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-stretch-2027"
LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^\s]+/)")


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


def choose_password(client, path, password=NEW_PASSWORD):
    page = client.get(path, follow=True)
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    return client.post(set_url, {"new_password1": password, "new_password2": password})


def test_password_reset_emails_a_staff_member_a_link_that_sets_the_password(client, therapist):
    therapist.user.email = "sam@riverside.example"
    therapist.user.save()
    response = ask(client, "SAM@riverside.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["SAM@riverside.example"]
    response = choose_password(client, link_path(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    therapist.user.refresh_from_db()
    assert therapist.user.check_password(NEW_PASSWORD)


def test_password_reset_reaches_a_patient_by_the_address_on_their_record(client, patient):
    patient.email = "alice@example.com"
    patient.save()
    ask(client, "alice@example.com")
    assert len(mail.outbox) == 1
    choose_password(client, link_path(mail.outbox[0]))
    patient.user.refresh_from_db()
    assert patient.user.check_password(NEW_PASSWORD)


def test_password_reset_answers_the_same_for_an_unknown_address(client, patient):
    patient.email = "alice@example.com"
    patient.save()
    known = ask(Client(), "alice@example.com")
    unknown = ask(Client(), "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    done = client.get(known["Location"])
    assert "If that address belongs to an account" in done.content.decode()


def test_password_reset_sends_nothing_to_an_inactive_account(client, therapist):
    therapist.user.email = "sam@riverside.example"
    therapist.user.is_active = False
    therapist.user.save()
    assert ask(client, "sam@riverside.example").status_code == 302
    assert mail.outbox == []


def test_password_reset_link_stops_working_when_the_account_is_deactivated(client, therapist):
    therapist.user.email = "sam@riverside.example"
    therapist.user.save()
    ask(client, "sam@riverside.example")
    therapist.user.is_active = False
    therapist.user.save()
    response = client.get(link_path(mail.outbox[0]), follow=True)
    assert response.context["validlink"] is False


def test_password_reset_link_works_once(client, therapist):
    therapist.user.email = "sam@riverside.example"
    therapist.user.save()
    ask(client, "sam@riverside.example")
    path = link_path(mail.outbox[0])
    choose_password(client, path)
    again = Client().get(path, follow=True)
    assert again.context["validlink"] is False
    assert "has been used or has expired" in again.content.decode()


def test_password_reset_link_expires_after_an_hour(client, therapist, settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    therapist.user.email = "sam@riverside.example"
    therapist.user.save()
    ask(client, "sam@riverside.example")
    path = link_path(mail.outbox[0])
    later = time.time() + 3601
    monkeypatch.setattr(default_token_generator, "_now", lambda: _datetime(later))
    assert client.get(path, follow=True).context["validlink"] is False


def _datetime(timestamp):
    import datetime

    return datetime.datetime.fromtimestamp(timestamp)


def test_password_reset_is_limited_per_address(client, patient, settings):
    settings.PASSWORD_RESET_PER_EMAIL = 2
    patient.email = "alice@example.com"
    patient.save()
    for number in range(2):
        assert ask(Client(REMOTE_ADDR=f"10.0.0.{number}"), "alice@example.com").status_code == 302
    limited = ask(Client(REMOTE_ADDR="10.0.0.9"), "alice@example.com")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert len(mail.outbox) == 2


def test_password_reset_is_limited_per_client_address(client, settings):
    settings.PASSWORD_RESET_PER_IP = 3
    for number in range(3):
        assert ask(client, f"someone{number}@example.com").status_code == 302
    limited = ask(client, "someone-else@example.com")
    assert limited.status_code == 429
    assert "Retry-After" in limited


def test_password_reset_is_audited_without_the_address(client, patient):
    patient.email = "alice@example.com"
    patient.save()
    ask(client, "alice@example.com")
    ask(client, "nobody@example.com")
    choose_password(client, link_path(mail.outbox[0]))
    rows = list(
        AuditEvent.objects.order_by("id").values_list("action", "path_name", "user_id", "patient")
    )
    assert rows == [
        ("create", "password_reset", patient.user_id, None),
        ("create", "password_reset", None, None),
        ("change", "password_reset_confirm", patient.user_id, None),
    ]


def test_password_reset_tells_patients_without_email_to_ask_for_an_invitation(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "ask your clinic for a new invitation link" in page


def test_sign_in_page_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page
    assert "Forgot your password?" in page


def test_password_reset_new_password_ends_other_sessions(client, patient):
    patient.email = "alice@example.com"
    patient.save()
    phone = Client()
    phone.force_login(patient.user)
    assert phone.get(reverse("patients:today")).status_code == 200
    ask(client, "alice@example.com")
    choose_password(client, link_path(mail.outbox[0]))
    assert phone.get(reverse("patients:today")).status_code == 302


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_password_reset_email_goes_through_a_real_smtp_server(client, therapist, settings):
    """The configured SMTP backend delivers to a real server on loopback; the link works."""
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 Message accepted for delivery"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        therapist.user.email = "sam@riverside.example"
        therapist.user.save()
        assert ask(client, "sam@riverside.example").status_code == 302
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0].rcpt_tos == ["sam@riverside.example"]
    message = email.message_from_bytes(received[0].content)
    body = message.get_payload(decode=True).decode()
    path = LINK.search(body).group(1)
    response = choose_password(Client(), path)
    assert response.status_code == 302
    therapist.user.refresh_from_db()
    assert therapist.user.check_password(NEW_PASSWORD)


def test_password_reset_confirm_refuses_a_forged_token(client, therapist):
    uid = urlsafe_base64_encode(force_bytes(therapist.user.pk))
    response = client.get(f"/password-reset/{uid}/forged-token/", follow=True)
    assert response.context["validlink"] is False
