"""Clinic admins invite (create) and deactivate staff of their own clinic."""

import re

import pytest
from django.urls import reverse

from clinic.models import StaffMember, User
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "physio-for-twenty-years"


def staff_data(**overrides) -> dict:
    data = {
        "first_name": "Ruth",
        "last_name": "Jansen",
        "email": "ruth@example.com",
        "username": "ruth",
        "role": "physio",
    }
    data.update(overrides)
    return data


def test_admin_invites_a_physiotherapist_who_chooses_a_password(client, clinic_admin, mailoutbox):
    client.force_login(clinic_admin.user)
    response = client.post(reverse("team:staff_create"), staff_data())
    assert response.status_code == 200
    member = StaffMember.objects.get(user__username="ruth")
    assert member.clinic == clinic_admin.clinic
    assert member.role == StaffMember.Role.PHYSIOTHERAPIST
    assert not member.user.has_usable_password()
    assert mailoutbox[0].to == ["ruth@example.com"]
    link = re.search(r"http://testserver(/staff/team/welcome/\S+)", mailoutbox[0].body)[1]
    client.logout()
    form = client.get(link, follow=True)
    assert "Choose your password" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.login(username="ruth", password=NEW_PASSWORD)


def test_invite_refuses_a_taken_username_or_bad_role(client, clinic_admin, therapist):
    client.force_login(clinic_admin.user)
    taken = client.post(
        reverse("team:staff_create"), staff_data(username=therapist.user.username.upper())
    )
    assert taken.status_code == 400
    assert "This username is taken" in taken.content.decode()
    bad_role = client.post(reverse("team:staff_create"), staff_data(role="owner"))
    assert bad_role.status_code == 400
    assert not User.objects.filter(username="ruth").exists()


def test_admin_deactivates_and_reactivates_a_colleague(client, clinic_admin, therapist):
    client.force_login(clinic_admin.user)
    client.post(reverse("team:staff_deactivate", args=[therapist.id]))
    therapist.user.refresh_from_db()
    assert not therapist.user.is_active
    assert not client.login(username=therapist.user.username, password=factories.PASSWORD)
    client.force_login(clinic_admin.user)
    client.post(reverse("team:staff_reactivate", args=[therapist.id]))
    therapist.user.refresh_from_db()
    assert therapist.user.is_active


def test_admin_cannot_deactivate_themselves(client, clinic_admin):
    client.force_login(clinic_admin.user)
    response = client.post(reverse("team:staff_deactivate", args=[clinic_admin.id]), follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    clinic_admin.user.refresh_from_db()
    assert clinic_admin.user.is_active


def test_admin_cannot_touch_another_clinics_staff(client, clinic_admin, other_clinic_therapist):
    client.force_login(clinic_admin.user)
    response = client.post(reverse("team:staff_deactivate", args=[other_clinic_therapist.id]))
    assert response.status_code == 404
    other_clinic_therapist.user.refresh_from_db()
    assert other_clinic_therapist.user.is_active


def test_staff_list_shows_only_the_clinics_staff(
    client, clinic_admin, therapist, other_clinic_admin
):
    other_clinic_admin.user.first_name = "Otto"
    other_clinic_admin.user.save()
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert f"Deactivate {therapist.user}" in page
    assert "Otto" not in page


def test_staff_navigation_shows_staff_link_to_admins_only(client, clinic_admin, therapist, patient):
    client.force_login(clinic_admin.user)
    assert reverse("team:staff_list") in client.get(reverse("staff:patient_list")).content.decode()
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_list")).content.decode()
    assert reverse("routines:exercise_list") in page
    assert reverse("team:staff_list") not in page
    client.force_login(patient.user)
    assert reverse("staff:patient_list") not in client.get(reverse("home")).content.decode()
