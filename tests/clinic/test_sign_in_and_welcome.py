"""Signing in with a username or an email address in any case, and a new staff member's
welcome: told their username, signed in after choosing a password; the team page shows
who has not joined yet, with "send again" (issue 14)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from clinic.models import StaffMember
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "physio-for-twenty-years"


def sign_in(client, name: str, password: str = factories.PASSWORD):
    return client.post(reverse("login"), {"username": name, "password": password})


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def physio(clinic):
    user = factories.make_user("Nina.Berg", email="Nina@Example.org", is_staff=True)
    return StaffMember.objects.create(user=user, clinic=clinic)


@pytest.mark.parametrize("name", ["Nina.Berg", "nina.berg", "NINA.BERG", "nina@example.org"])
def test_sign_in_accepts_the_username_or_email_in_any_case(client, physio, name):
    response = sign_in(client, name)
    assert response.status_code == 302
    assert signed_in_as(client) == str(physio.user.pk)


def test_patient_signs_in_with_their_email_address(client, patient):
    patient.user.email = "alice@example.org"
    patient.user.save()
    response = sign_in(client, "ALICE@example.org")
    assert response.status_code == 302
    assert signed_in_as(client) == str(patient.user.pk)


def test_sign_in_refuses_a_shared_email_address(client, clinic):
    factories.make_user("one", email="family@example.org")
    factories.make_user("two", email="family@example.org")
    response = sign_in(client, "family@example.org")
    assert response.status_code == 200
    assert signed_in_as(client) is None
    assert sign_in(client, "two").status_code == 302


def test_sign_in_refuses_a_wrong_password_by_email(client, physio):
    response = sign_in(client, "nina@example.org", "wrong-password")
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_lockout_counts_every_spelling_of_one_account_together(client, physio):
    spellings = ["Nina.Berg", "NINA.BERG", "nina@example.org", "Nina@Example.org", "nina.berg"]
    assert len(spellings) >= settings.AXES_FAILURE_LIMIT
    for name in spellings[: settings.AXES_FAILURE_LIMIT]:
        sign_in(client, name, "wrong-password")
    # Locked out now, whatever the spelling, even with the right password.
    response = sign_in(client, "nina.berg")
    assert signed_in_as(client) is None
    assert response.status_code in (403, 429)


# The welcome of a new staff member


def invite(client, clinic_admin, mailoutbox, **fields) -> tuple[StaffMember, str]:
    data = {
        "first_name": "Ruth",
        "last_name": "Jansen",
        "email": "ruth@example.com",
        "username": "ruth.j",
        "role": StaffMember.Role.PHYSIOTHERAPIST,
        **fields,
    }
    client.force_login(clinic_admin.user)
    client.post(reverse("team:staff_create"), data)
    member = StaffMember.objects.get(user__username=data["username"])
    link = re.search(r"http://testserver(/staff/team/welcome/\S+)", mailoutbox[-1].body)[1]
    client.logout()
    return member, link


def test_invitation_email_tells_the_username(client, clinic_admin, mailoutbox):
    invite(client, clinic_admin, mailoutbox)
    assert "Your username: ruth.j" in mailoutbox[-1].body


def test_welcome_shows_the_username_and_signs_in(client, clinic_admin, mailoutbox):
    member, link = invite(client, clinic_admin, mailoutbox)
    form = client.get(link, follow=True)
    page = form.content.decode()
    assert "Your username is <strong>ruth.j</strong>" in page
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in_as(client) == str(member.user.pk)
    assert "Your username is ruth.j" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")


def test_welcome_of_a_clinic_admin_leads_to_enrolment_first(client, clinic_admin, mailoutbox):
    member, link = invite(
        client, clinic_admin, mailoutbox, username="boss", role=StaffMember.Role.CLINIC_ADMIN
    )
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in_as(client) == str(member.user.pk)
    assert response.redirect_chain[-1][0].startswith("/two-factor/")


def test_team_page_shows_who_has_not_joined_and_sends_again(
    client, clinic_admin, mailoutbox, therapist
):
    member, _link = invite(client, clinic_admin, mailoutbox)
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert "invited, not joined yet (ruth@example.com)" in page
    assert reverse("team:staff_resend", args=[member.id]) in page
    # The therapist has signed in before: no "send again" for them.
    assert reverse("team:staff_resend", args=[therapist.id]) not in page
    before = len(mailoutbox)
    response = client.post(reverse("team:staff_resend", args=[member.id]), follow=True)
    assert len(mailoutbox) == before + 1
    assert "Your username: ruth.j" in mailoutbox[-1].body
    assert "We sent Ruth Jansen a new link" in response.content.decode()


def test_send_again_refuses_someone_who_joined(client, clinic_admin, therapist, mailoutbox):
    client.force_login(clinic_admin.user)
    client.post(reverse("team:staff_resend", args=[therapist.id]))
    assert mailoutbox == []


@pytest.mark.parametrize(
    "role", ["therapist", "other_clinic_admin", "patient", "anonymous", "colleague"]
)
def test_send_again_is_for_the_clinics_admins_only(client, request, clinic_admin, mailoutbox, role):
    member, _link = invite(client, clinic_admin, mailoutbox)
    before = len(mailoutbox)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse("team:staff_resend", args=[member.id]))
    assert len(mailoutbox) == before
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404
