"""Emails go out in the recipient's language (their choice, else their clinic's), subject
included, whatever language the person or the worker sending them reads.

`french` (conftest.py) makes untranslated entries read "[fr] …", so "in French" is told
apart from English before the catalog is translated; the expected text is always what
gettext gives in fr-ca."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from patients.reminders.models import Delivery
from patients.reminders.services import reminder_settings_update, reminders_plan, reminders_send_due
from tests import factories
from tests.reminders.conftest import SmtpServer

pytestmark = pytest.mark.django_db


def in_french(message: str, **values) -> str:
    with translation.override("fr-ca"):
        text = _(message)
    return text % values if values else text


def in_english(message: str, **values) -> str:
    with translation.override("en"):
        text = _(message)
    return text % values if values else text


def test_the_stand_in_french_differs_from_english(french):
    assert in_french("Time for your stretches") != in_english("Time for your stretches")


@pytest.fixture
def invitee(clinic, therapist):
    return factories.make_patient(
        clinic, therapist, first_name="Nina", email="nina@example.com", account=False
    )


def _invite(client, therapist, patient) -> None:
    client.force_login(therapist.user)
    response = client.post(reverse("staff:patient_invite", args=[patient.id]))
    assert response.status_code == 200


def test_invitation_is_in_the_patients_chosen_language(
    french, client, therapist, invitee, mailoutbox
):
    invitee.language = "fr-ca"
    invitee.save(update_fields=["language"])
    _invite(client, therapist, invitee)  # the physiotherapist reads English

    (message,) = mailoutbox
    subject = "Your exercises from %(clinic)s"
    assert message.subject == in_french(subject, clinic=invitee.clinic.name)
    assert message.subject != in_english(subject, clinic=invitee.clinic.name)
    body = (
        "Hello %(name)s,\n\n"
        "%(clinic)s has prepared exercises for you in Limber. Open this link to start "
        "(it works once, until %(expires)s):\n\n%(url)s\n"
    )
    assert message.body.startswith(in_french(body).split("%")[0])
    assert not message.body.startswith(in_english(body).split("%")[0])


def test_invitation_without_a_choice_is_in_the_clinics_language(
    french, client, therapist, invitee, mailoutbox
):
    invitee.clinic.language = "fr-ca"
    invitee.clinic.save(update_fields=["language"])
    _invite(client, therapist, invitee)
    assert mailoutbox[0].subject == in_french(
        "Your exercises from %(clinic)s", clinic=invitee.clinic.name
    )


def test_invitation_to_an_english_patient_stays_english_from_a_french_physio(
    french, client, therapist, invitee, mailoutbox
):
    therapist.language = "fr-ca"
    therapist.save(update_fields=["language"])
    invitee.language = "en"
    invitee.save(update_fields=["language"])
    _invite(client, therapist, invitee)
    assert mailoutbox[0].subject == in_english(
        "Your exercises from %(clinic)s", clinic=invitee.clinic.name
    )


def test_staff_welcome_is_in_the_clinics_language(french, client, clinic_admin, mailoutbox):
    clinic_admin.clinic.language = "fr-ca"
    clinic_admin.clinic.save(update_fields=["language"])
    client.force_login(clinic_admin.user)
    client.post(
        reverse("team:staff_create"),
        {
            "first_name": "Ruth",
            "last_name": "Jansen",
            "email": "ruth@example.com",
            "username": "ruth.j",
            "role": "physio",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    (message,) = mailoutbox
    subject = "Your Limber account at %(clinic)s"
    assert message.subject == in_french(subject, clinic=clinic_admin.clinic.name)


def test_password_reset_is_in_the_accounts_language(french, client, patient, mailoutbox):
    patient.language = "fr-ca"
    patient.email = "alice@example.org"
    patient.save(update_fields=["language", "email"])
    # Asked from an English browser: the account's language wins.
    client.post(
        reverse("password_reset"), {"email": "alice@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    (message,) = mailoutbox
    with translation.override("fr-ca"):
        from django.template.loader import render_to_string

        subject = render_to_string("registration/password_reset_subject.txt").strip()
    with translation.override("en"):
        english = render_to_string("registration/password_reset_subject.txt").strip()
    assert subject != english
    assert message.subject == subject


@pytest.fixture
def smtp_server(settings):
    """The reminders' real SMTP server on loopback (tests/reminders/conftest.py)."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.mark.parametrize(("patient_language", "clinic_language"), [("fr-ca", "en"), ("", "fr-ca")])
def test_reminder_from_the_worker_is_in_the_patients_language(
    french, settings, smtp_server, patient, patient_language, clinic_language
):
    settings.SITE_URL = "https://limber.example.org"
    patient.email = "alice@example.org"
    patient.language = patient_language
    patient.save(update_fields=["email", "language"])
    patient.clinic.language = clinic_language
    patient.clinic.save(update_fields=["language"])
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1))
    reminder_settings_update(
        patient=patient, channels=["email"], times=["07:30"], second_nudge_at=None
    )
    assert reminders_plan(now=datetime.datetime(2026, 2, 2, 6, 30, tzinfo=datetime.UTC)) == 1
    assert reminders_send_due() == 1

    (message,) = smtp_server.messages
    assert message["Subject"] == in_french("Time for your stretches")
    body = message.get_body(preferencelist=("plain",)).get_content()
    first_line = in_french("Hello %(name)s,", name=patient.first_name)
    assert first_line in body
    assert Delivery.objects.get(patient=patient).state == Delivery.State.SENT


def test_staff_nudge_is_in_the_patients_language_not_the_physios(
    french, settings, smtp_server, patient, therapist
):
    """ "Send a reminder now" from a physiotherapist reading English, to a French patient."""
    from patients.reminders.services import reminder_nudge

    settings.SITE_URL = "https://limber.example.org"
    patient.email = "alice@example.org"
    patient.language = "fr-ca"
    patient.save(update_fields=["email", "language"])
    factories.make_assignment(patient)
    reminder_settings_update(patient=patient, channels=["email"], times=["07:30"])
    with translation.override("en"):
        assert reminder_nudge(patient=patient, requested_by=therapist.user)
        assert reminders_send_due() == 1
    (message,) = smtp_server.messages
    expected = in_french("%(clinic)s: time for your stretches", clinic=patient.clinic)
    # An encoded (non-ASCII) subject may come back folded: compare the words.
    assert " ".join(message["Subject"].split()) == expected
