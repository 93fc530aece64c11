"""Invitations: one-time 7-day links, shown once, emailed, accepted with or without a password."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Invitation
from patients.roster.services import invitation_create
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "stretch-every-morning-42"


@pytest.fixture
def new_patient(clinic, therapist):
    return factories.make_patient(
        clinic, therapist, account=False, first_name="Nina", email="nina@example.com"
    )


def invite(client, staff, patient) -> str:
    client.force_login(staff.user)
    response = client.post(reverse("staff:patient_invite", args=[patient.id]))
    assert response.status_code == 200
    url = re.search(r'value="(http://testserver/invite/[^"]+)"', response.content.decode())[1]
    client.logout()
    return url.removeprefix("http://testserver")


def test_invite_stores_only_the_tokens_hash_and_expires_in_7_days(
    client, therapist, new_patient, mailoutbox
):
    path = invite(client, therapist, new_patient)
    token = path.split("/")[2]
    invitation = Invitation.objects.get(patient=new_patient)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - datetime.timedelta(days=7)) < datetime.timedelta(seconds=5)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nina@example.com"]
    assert path in mailoutbox[0].body


def test_invite_page_shows_link_and_qr_code(client, therapist, new_patient):
    client.force_login(therapist.user)
    page = client.post(reverse("staff:patient_invite", args=[new_patient.id])).content.decode()
    assert "<svg" in page
    assert "http://testserver/invite/" in page


def test_invite_without_an_email_is_not_mailed(client, therapist, clinic, mailoutbox):
    patient = factories.make_patient(clinic, therapist, account=False)
    invite(client, therapist, patient)
    assert mailoutbox == []


def test_a_new_invitation_revokes_the_old_one(client, therapist, new_patient):
    old = invite(client, therapist, new_patient)
    invite(client, therapist, new_patient)
    response = client.get(old)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert Invitation.objects.filter(patient=new_patient, revoked_at__isnull=True).count() == 1


def test_accept_with_a_password_signs_the_patient_in(client, therapist, new_patient):
    path = invite(client, therapist, new_patient)
    assert "Welcome, Nina" in client.get(path).content.decode()
    response = client.post(
        path,
        {
            "mode": "password",
            "username": "nina",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.url == reverse("home")
    new_patient.refresh_from_db()
    assert new_patient.user.username == "nina"
    assert new_patient.user.check_password(GOOD_PASSWORD)
    assert client.get(reverse("patients:today")).status_code == 200
    assert Invitation.objects.get(patient=new_patient).used_at is not None
    client.logout()
    assert client.login(username="nina", password=GOOD_PASSWORD)


def test_accept_without_a_password_keeps_this_device_signed_in(client, therapist, new_patient):
    path = invite(client, therapist, new_patient)
    response = client.post(path, {"mode": "device"})
    assert response.url == reverse("home")
    new_patient.refresh_from_db()
    assert not new_patient.user.has_usable_password()
    assert client.session.get_expiry_age() > 30 * 24 * 3600
    assert client.get(reverse("patients:today")).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "password123456", "password2": "password123456"}, "too common"),
        ({"password2": "something-else-entirely"}, "The two passwords differ."),
        ({"username": ""}, "Choose a username."),
        ({"username": "bad name!"}, "Enter a valid username"),
    ],
)
def test_accept_refuses_weak_or_mismatched_passwords(client, therapist, new_patient, data, message):
    path = invite(client, therapist, new_patient)
    form = {
        "mode": "password",
        "username": "nina",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **data,
    }
    response = client.post(path, form)
    assert response.status_code == 400
    assert message in response.content.decode()
    new_patient.refresh_from_db()
    assert new_patient.user is None
    assert Invitation.objects.get(patient=new_patient).used_at is None


def test_accept_refuses_a_username_that_is_taken(client, therapist, new_patient):
    factories.make_user("nina")
    path = invite(client, therapist, new_patient)
    response = client.post(
        path,
        {
            "mode": "password",
            "username": "NINA",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "This username is taken" in response.content.decode()


def test_used_invitation_cannot_be_used_again(client, therapist, new_patient):
    path = invite(client, therapist, new_patient)
    client.post(path, {"mode": "device"})
    client.logout()
    response = client.post(path, {"mode": "device"})
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_expired_invitation_is_refused(client, therapist, new_patient):
    path = invite(client, therapist, new_patient)
    Invitation.objects.filter(patient=new_patient).update(
        created_at=timezone.now() - datetime.timedelta(days=8),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = client.post(path, {"mode": "device"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    new_patient.refresh_from_db()
    assert new_patient.user is None


def test_revoked_invitation_is_refused(client, therapist, new_patient):
    path = invite(client, therapist, new_patient)
    client.force_login(therapist.user)
    client.post(reverse("staff:patient_revoke", args=[new_patient.id]))
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_unknown_invitation_is_not_found(client, db):
    response = client.get(reverse("account:invite_accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_revoked_patient_gets_access_back_with_a_new_invitation(client, therapist, patient):
    client.force_login(therapist.user)
    client.post(reverse("staff:patient_revoke", args=[patient.id]))
    path = invite(client, therapist, patient)
    client.post(path, {"mode": "device"})
    patient.user.refresh_from_db()
    assert patient.user.is_active
    assert client.get(reverse("patients:today")).status_code == 200


def test_archived_patient_cannot_be_invited(therapist, patient):
    patient.archived_at = timezone.now()
    patient.save()
    with pytest.raises(Exception, match="Restore this patient"):
        invitation_create(patient=patient)
