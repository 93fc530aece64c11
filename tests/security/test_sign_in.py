"""Sign-in: lockouts, password rules, how long a sign-in lasts, signing out everywhere."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import clinic.settings as project_settings
from clinic.accounts.signin import LAST_SEEN_AT, SIGNED_IN_AT
from clinic.models import AuditEvent
from patients.roster.services import patient_sign_out_everywhere
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return settings


def sign_in(client, user, password=factories.PASSWORD, url="login", **extra):
    data = {"username": user.username, "password": password, **extra}
    return client.post(reverse(url), data)


def test_sign_in_locks_out_at_the_configured_count(client, lockout, patient):
    for _ in range(2):
        response = sign_in(client, patient.user, "wrong-password-here")
        assert response.status_code == 200
        assert response.context["form"].errors
    locked = sign_in(client, patient.user, "wrong-password-here")
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert b"15 minutes" in locked.content
    # While locked out even the right password is refused.
    assert sign_in(client, patient.user).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, lockout, patient, other_patient):
    for _ in range(3):
        sign_in(client, patient.user, "wrong-password-here")
    # The same account from another address, and another account from this one, still work.
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    response = other_address.post(
        reverse("login"), {"username": patient.user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert sign_in(Client(), other_patient.user).status_code == 302


def test_lockout_is_released_after_the_cool_off(client, lockout, patient):
    for _ in range(3):
        sign_in(client, patient.user, "wrong-password-here")
    assert sign_in(client, patient.user).status_code == 429
    # Sixteen minutes pass.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    response = sign_in(client, patient.user)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(patient.user.pk)


def test_admin_sign_in_locks_out_too(client, lockout, therapist):
    for _ in range(3):
        response = sign_in(client, therapist.user, "wrong-password-here", url="admin:login")
    assert response.status_code == 429
    assert sign_in(client, therapist.user, url="admin:login").status_code == 429


def test_success_resets_the_failure_count(client, lockout, patient):
    for _ in range(2):
        sign_in(client, patient.user, "wrong-password-here")
    assert sign_in(client, patient.user).status_code == 302
    client.logout()
    for _ in range(2):
        assert sign_in(client, patient.user, "wrong-password-here").status_code == 200


def test_passwords_are_hashed_with_argon2_first():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(settings, password, message):
    settings.AUTH_PASSWORD_VALIDATORS = project_settings.AUTH_PASSWORD_VALIDATORS
    with pytest.raises(ValidationError, match=message):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted(settings):
    settings.AUTH_PASSWORD_VALIDATORS = project_settings.AUTH_PASSWORD_VALIDATORS
    validate_password("lumbar-rotation-at-dawn-42")


# How long a sign-in lasts.


def _age(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_staff_session_ends_after_30_idle_minutes(client, therapist):
    assert sign_in(client, therapist.user).status_code == 302
    assert client.session.get_expiry_age() == 30 * 60
    assert not client.session.get_expire_at_browser_close()
    _age(client, LAST_SEEN_AT, 29 * 60)
    assert client.get(reverse("dashboard:home")).status_code == 200
    _age(client, LAST_SEEN_AT, 31 * 60)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_session_ends_after_12_hours_however_busy(client, therapist):
    sign_in(client, therapist.user)
    _age(client, SIGNED_IN_AT, 11 * 60 * 60)
    assert client.get(reverse("dashboard:home")).status_code == 200
    _age(client, SIGNED_IN_AT, 12 * 60 * 60 + 1)
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_activity_slides_the_idle_limit(client, therapist):
    sign_in(client, therapist.user)
    _age(client, LAST_SEEN_AT, 20 * 60)
    client.get(reverse("dashboard:home"))
    assert int(time.time()) - client.session[LAST_SEEN_AT] < 5
    _age(client, SIGNED_IN_AT, 40 * 60)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_staff_cannot_stay_signed_in(client, therapist):
    sign_in(client, therapist.user, remember="on")
    assert client.session.get_expiry_age() == 30 * 60


def test_patient_session_ends_with_the_browser_by_default(client, patient):
    sign_in(client, patient.user)
    assert client.session.get_expire_at_browser_close()
    assert client.cookies["sessionid"]["max-age"] == ""


def test_patient_may_keep_signed_in_for_30_days(client, patient):
    response = sign_in(client, patient.user, remember="on")
    assert response.status_code == 302
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 30 * 24 * 60 * 60
    assert client.cookies["sessionid"]["max-age"] == 30 * 24 * 60 * 60
    # A patient is not held to the staff idle limit.
    _age(client, LAST_SEEN_AT, 3 * 60 * 60)
    assert client.get(reverse("patients:today")).status_code == 200


def test_login_form_has_a_labelled_keep_me_signed_in_checkbox(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'type="checkbox" name="remember"' in html
    assert '<label for="id_remember">Keep me signed in on this device</label>' in html


# Signing a patient out everywhere.


def test_patient_sign_out_everywhere_ends_every_session(patient, other_patient):
    phone, laptop, bystander = Client(), Client(), Client()
    sign_in(phone, patient.user, remember="on")
    sign_in(laptop, patient.user)
    sign_in(bystander, other_patient.user)
    patient_sign_out_everywhere(patient=patient)
    for client in (phone, laptop):
        response = client.get(reverse("patients:today"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert bystander.get(reverse("patients:today")).status_code == 200
    # Signing in again works.
    assert sign_in(phone, patient.user).status_code == 302
    assert phone.get(reverse("patients:today")).status_code == 200


def test_admin_action_signs_a_patient_out_everywhere_and_records_it(
    client, patient, therapist, other_clinic_patient
):
    phone = Client()
    sign_in(phone, patient.user)
    other = Client()
    sign_in(other, other_clinic_patient.user)
    client.force_login(therapist.user)
    response = client.post(
        reverse("admin:patients_patient_changelist"),
        {
            "action": "sign_out_everywhere",
            "_selected_action": [patient.pk, other_clinic_patient.pk],
        },
    )
    assert response.status_code == 302
    signed_out = phone.get(reverse("patients:today"))
    assert signed_out.status_code == 302
    assert signed_out.url.startswith(reverse("login"))
    # Another clinic's patient is out of the therapist's reach.
    assert other.get(reverse("patients:today")).status_code == 200
    event = AuditEvent.objects.get(action="sign_out")
    assert (event.patient_id, event.user_id) == (patient.pk, therapist.user.pk)


def test_behind_a_proxy_the_lockout_counts_the_clients_address(settings, lockout, patient):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.10"]
    proxy = {"REMOTE_ADDR": "10.0.0.10"}
    attacker = Client(HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.7", **proxy)
    for _ in range(3):
        sign_in(attacker, patient.user, "wrong-password-here")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # The patient, through the same proxy from their own address, is not locked out.
    own = Client(HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert sign_in(own, patient.user).status_code == 302
