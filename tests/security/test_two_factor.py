"""Two-factor sign-in for staff: who is asked, enrolment, codes, recovery codes, lockout."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import AuditEvent, StaffMember

from .. import factories

pytestmark = pytest.mark.django_db

VERIFY = "/two-factor/"
ENROL = "/two-factor/set-up/"


def password_step(client, user, url="login"):
    return client.post(reverse(url), {"username": user.username, "password": factories.PASSWORD})


def code_step(client, code, url=VERIFY):
    return client.post(url, {"code": code, "next": "/"})


@pytest.fixture
def no_throttle(settings):
    """django-otp also slows retries down (1 s, 2 s, 4 s… after wrong codes); tests that
    type the right code straight after a wrong one turn that off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def lockout(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return settings


def test_two_factor_clinic_admin_without_device_must_enrol_before_anything(client, clinic_admin):
    assert password_step(client, clinic_admin.user).status_code == 302
    for url in ["/", reverse("dashboard:home"), reverse("team:staff_list"), "/admin/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(ENROL), url
    assert client.get("/api/v1/patients/").status_code == 403


def test_two_factor_enrolment_shows_qr_and_secret_then_ten_recovery_codes(client, clinic_admin):
    password_step(client, clinic_admin.user)
    page = client.get(ENROL)
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=clinic_admin.user, confirmed=False)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    # The same secret on reload: the phone may have scanned it already.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=clinic_admin.user).count() == 1
    done = code_step(client, factories.totp_code(device), url=ENROL)
    assert done.status_code == 200
    codes = done.context["codes"]
    assert AuditEvent.objects.filter(
        user=clinic_admin.user, action="create", path_name="two_factor:enrol", patient=None
    ).exists()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert client.get(reverse("team:staff_list")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_two_factor_wrong_enrolment_code_is_refused(client, clinic_admin):
    password_step(client, clinic_admin.user)
    client.get(ENROL)
    response = code_step(client, "000000", url=ENROL)
    assert response.status_code == 400
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=clinic_admin.user, confirmed=True).exists()


def test_two_factor_staff_with_device_gives_a_code_after_the_password(
    client, clinic_admin, no_throttle
):
    device = factories.totp_device(clinic_admin.user)
    password_step(client, clinic_admin.user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert code_step(client, "123456").status_code == 400
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert code_step(client, factories.totp_code(device)).status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_two_factor_code_cannot_be_replayed(client, clinic_admin):
    device = factories.totp_device(clinic_admin.user)
    password_step(client, clinic_admin.user)
    code = factories.totp_code(device)
    assert code_step(client, code).status_code == 302
    other = Client()
    password_step(other, clinic_admin.user)
    assert code_step(other, code).status_code == 400


def test_two_factor_recovery_code_works_once(client, clinic_admin, no_throttle):
    from clinic.accounts.twofactor.services import recovery_codes_renew

    factories.totp_device(clinic_admin.user)
    codes = recovery_codes_renew(user=clinic_admin.user)
    password_step(client, clinic_admin.user)
    assert code_step(client, codes[0].upper()).status_code == 302
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    again = Client()
    password_step(again, clinic_admin.user)
    assert code_step(again, codes[0]).status_code == 400
    assert code_step(again, codes[1]).status_code == 302


def test_two_factor_wrong_codes_lock_out_the_username_and_address(client, lockout, clinic_admin):
    factories.totp_device(clinic_admin.user)
    password_step(client, clinic_admin.user)
    assert code_step(client, "000000").status_code == 400
    assert code_step(client, "000001").status_code == 400
    assert code_step(client, "000002").status_code == 429
    # Signing in again with the right password does not buy more guesses.
    assert password_step(Client(), clinic_admin.user).status_code == 429
    # Another address is not locked out.
    assert password_step(Client(REMOTE_ADDR="10.9.9.9"), clinic_admin.user).status_code == 302


def test_two_factor_guesses_cannot_be_reset_by_signing_in_again(lockout, clinic_admin):
    factories.totp_device(clinic_admin.user)
    for _ in range(2):
        client = Client()
        password_step(client, clinic_admin.user)
        assert code_step(client, "000000").status_code == 400
    client = Client()
    password_step(client, clinic_admin.user)
    assert code_step(client, "000000").status_code == 429


def test_two_factor_is_required_for_the_admin_even_for_a_physiotherapist(client, therapist):
    password_step(client, therapist.user)
    assert client.get(reverse("dashboard:home")).status_code == 200
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_two_factor_admin_sign_in_leads_to_the_second_step(client, superuser):
    response = password_step(client, superuser, url="admin:login")
    assert response.status_code == 302
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(ENROL)


def test_two_factor_admin_site_refuses_an_unverified_session(rf, superuser):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/admin/")
    request.user = superuser
    request.session = SessionStore()
    assert admin.site.has_permission(request) is False


def test_two_factor_not_asked_of_physiotherapists_unless_the_clinic_asks(client, therapist):
    password_step(client, therapist.user)
    assert client.get(reverse("dashboard:home")).status_code == 200
    therapist.clinic.require_two_factor_for_staff = True
    therapist.clinic.save()
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_two_factor_physiotherapist_with_a_device_is_asked_for_it(client, therapist):
    device = factories.totp_device(therapist.user)
    password_step(client, therapist.user)
    assert client.get(reverse("dashboard:home")).status_code == 302
    code_step(client, factories.totp_code(device))
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_two_factor_never_asked_of_or_offered_to_patients(client, patient):
    patient.clinic.require_two_factor_for_staff = True
    patient.clinic.save()
    password_step(client, patient.user)
    assert client.get(reverse("patients:today")).status_code == 200
    assert client.get(VERIFY).status_code == 404
    assert client.get(ENROL).status_code == 404


def test_two_factor_pages_need_a_sign_in(client):
    for url in (VERIFY, ENROL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_two_factor_clinic_setting_is_for_the_clinics_admin(
    client, clinic_admin, therapist, other_clinic_admin, patient
):
    url = reverse("team:two_factor_setting")
    client.force_login(clinic_admin.user)
    assert client.post(url, {"required": "on"}).status_code == 302
    clinic_admin.clinic.refresh_from_db()
    assert clinic_admin.clinic.require_two_factor_for_staff
    other_clinic_admin.clinic.refresh_from_db()
    assert not other_clinic_admin.clinic.require_two_factor_for_staff
    assert client.post(url, {}).status_code == 302
    clinic_admin.clinic.refresh_from_db()
    assert not clinic_admin.clinic.require_two_factor_for_staff
    for user in (therapist.user, patient.user):
        other = Client()
        other.force_login(user)
        assert other.post(url, {"required": "on"}).status_code == 404
    assert Client().post(url, {"required": "on"}).status_code == 302
    clinic_admin.clinic.refresh_from_db()
    assert not clinic_admin.clinic.require_two_factor_for_staff


def test_two_factor_clinic_setting_is_on_the_team_page(client, clinic_admin):
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert 'action="/staff/team/two-factor/"' in page
    assert '<label for="id_two_factor_required">' in page


def test_two_factor_reset_by_admin_action_signs_out_and_asks_to_enrol(client, clinic_admin):
    from clinic.accounts.twofactor.services import two_factor_reset

    device = factories.totp_device(clinic_admin.user)
    password_step(client, clinic_admin.user)
    code_step(client, factories.totp_code(device))
    assert client.get(reverse("dashboard:home")).status_code == 200
    two_factor_reset(user=clinic_admin.user)
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert not TOTPDevice.objects.filter(user=clinic_admin.user).exists()


def test_two_factor_admin_action_resets_a_colleague(client, clinic_admin, therapist):
    factories.totp_device(therapist.user)
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("admin:clinic_staffmember_changelist"),
        {"action": "reset_two_factor", "_selected_action": [therapist.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=therapist.user).exists()
    assert StaffMember.objects.filter(pk=therapist.pk).exists()
