"""An account of one kind never becomes another: a patient's sign-in is never a staff one.

Issue 12, item 1: a physiotherapist linked a new patient to the clinic admin's sign-in in
the admin, invited that patient and accepted the invitation with a new username and
password, which rewrote the admin's account. Each test goes through a door a user has
(admin, pages, API) and failed before the fix; the rule itself is clinic.accounts.
"""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.models import StaffMember, User
from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "taken-over-at-night-42"


def _inline_management(**counts) -> dict:
    data = {}
    for prefix in ("assignments", "invitations"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": counts.get(prefix, 0),
                f"{prefix}-INITIAL_FORMS": counts.get(prefix, 0),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return data


def _admin_add_patient(client, clinic, **extra):
    data = {"clinic": clinic.pk, "first_name": "Mallory", "last_name": "Plant", "email": ""}
    return client.post(
        reverse("admin:patients_patient_add"), {**data, **_inline_management(), **extra}
    )


# The admin's Patient page.


def test_patient_admin_does_not_offer_a_sign_in_to_pick(client, therapist):
    client.force_login(therapist.user)
    response = client.get(reverse("admin:patients_patient_add"))
    assert response.status_code == 200
    assert "user" not in response.context["adminform"].form.fields


def test_patient_admin_add_ignores_a_staff_sign_in(client, therapist, clinic_admin, clinic):
    client.force_login(therapist.user)
    response = _admin_add_patient(client, clinic, user=clinic_admin.user.pk)
    assert response.status_code == 302, response.context and response.context["errors"]
    patient = Patient.objects.get(last_name="Plant")
    assert patient.user_id is None


def test_patient_admin_change_ignores_a_staff_sign_in(client, therapist, clinic_admin, clinic):
    patient = factories.make_patient(clinic, therapist, account=False, first_name="Mallory")
    client.force_login(therapist.user)
    response = client.post(
        reverse("admin:patients_patient_change", args=[patient.pk]),
        {
            "clinic": clinic.pk,
            "first_name": "Mallory",
            "last_name": "Plant",
            "email": "",
            "user": clinic_admin.user.pk,
            **_inline_management(),
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    patient.refresh_from_db()
    assert patient.user_id is None


def test_takeover_through_an_invitation_leaves_the_admins_account_alone(
    client, therapist, clinic_admin, clinic, mailoutbox
):
    """The probe's attack, step by step, as a physiotherapist."""
    admin_user = clinic_admin.user
    client.force_login(therapist.user)
    _admin_add_patient(client, clinic, user=admin_user.pk)
    patient = Patient.objects.get(last_name="Plant")
    page = client.post(reverse("staff:patient_invite", args=[patient.pk])).content.decode()
    path = re.search(r'value="http://testserver(/invite/[^"]+)"', page)[1]
    client.logout()
    response = client.post(
        path,
        {
            "mode": "password",
            "username": "mallory",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content
    admin_user.refresh_from_db()
    assert admin_user.username != "mallory"
    assert admin_user.check_password(factories.PASSWORD)
    assert admin_user.is_active
    patient.refresh_from_db()
    assert patient.user_id != admin_user.pk
    assert patient.user.username == "mallory"
    assert not patient.user.is_staff

    client.force_login(therapist.user)
    client.post(reverse("staff:patient_revoke", args=[patient.pk]))
    admin_user.refresh_from_db()
    assert admin_user.is_active


# Staff memberships and the User admin.


def test_staff_admin_change_cannot_swap_in_a_patients_sign_in(
    client, superuser, therapist, patient
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:clinic_staffmember_change", args=[therapist.pk]),
        {"user": patient.user.pk, "clinic": therapist.clinic_id, "role": "admin"},
    )
    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.user_id != patient.user_id


def _user_change_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    return {**data, **changes}


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_user_admin_refuses_staff_rights_on_a_patients_sign_in(client, superuser, patient, flag):
    client.force_login(superuser)
    url = reverse("admin:clinic_user_change", args=[patient.user.pk])
    response = client.post(url, _user_change_data(patient.user, **{flag: "on"}))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    patient.user.refresh_from_db()
    assert not patient.user.is_staff
    assert not patient.user.is_superuser


def test_user_admin_still_lets_the_operator_edit_a_staff_sign_in(client, superuser, therapist):
    client.force_login(superuser)
    url = reverse("admin:clinic_user_change", args=[therapist.user.pk])
    data = _user_change_data(therapist.user, is_staff="on", first_name="Samantha")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    therapist.user.refresh_from_db()
    assert therapist.user.first_name == "Samantha"


def test_clinic_admin_cannot_open_the_operators_sign_in(client, clinic_admin, superuser, clinic):
    StaffMember.objects.create(user=superuser, clinic=clinic, role="admin")
    client.force_login(clinic_admin.user)
    change = client.get(reverse("admin:clinic_user_change", args=[superuser.pk]))
    assert change.status_code == 302
    assert change.url == reverse("admin:index")
    password = client.post(
        reverse("admin:auth_user_password_change", args=[superuser.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert password.status_code == 404
    superuser.refresh_from_db()
    assert superuser.check_password(factories.PASSWORD)


def test_assignment_admin_does_not_let_staff_pick_who_assigned_it(client, therapist, assignment):
    client.force_login(therapist.user)
    response = client.get(reverse("admin:patients_assignment_change", args=[assignment.pk]))
    assert "created_by" not in response.context["adminform"].form.fields


# The staff welcome link sets a staff member's password only.


def _welcome_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("team:welcome", args=[uid, default_token_generator.make_token(user)])


@pytest.mark.parametrize("who", ["patient", "superuser"])
def test_welcome_link_never_sets_a_patients_or_the_operators_password(client, request, who):
    target = request.getfixturevalue(who)
    user = target if isinstance(target, User) else target.user
    response = client.get(_welcome_path(user), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is False
    set_password = reverse(
        "team:welcome", args=[urlsafe_base64_encode(force_bytes(user.pk)), "set-password"]
    )
    client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


def test_welcome_link_still_works_for_a_new_staff_member(client, therapist):
    response = client.get(_welcome_path(therapist.user), follow=True)
    assert response.context["validlink"] is True
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    therapist.user.refresh_from_db()
    assert therapist.user.check_password(NEW_PASSWORD)


# The API never takes a sign-in for a patient.


def test_api_patient_create_and_update_ignore_a_sign_in(client, therapist, clinic_admin):
    client.force_login(therapist.user)
    response = client.post(
        reverse("api:patient-list"),
        {"first_name": "Mallory", "last_name": "Plant", "user": clinic_admin.user.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    patient = Patient.objects.get(pk=response.json()["id"])
    assert patient.user_id is None
    response = client.patch(
        reverse("api:patient-detail", args=[patient.pk]),
        {"user": clinic_admin.user.pk, "user_id": clinic_admin.user.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    patient.refresh_from_db()
    assert patient.user_id is None


# The rule in the models and in the database, for every door at once.


def test_patient_model_refuses_a_staff_or_shared_sign_in(clinic, therapist, superuser, patient):
    for user in (therapist.user, superuser):
        with pytest.raises(ValidationError):
            Patient(clinic=clinic, first_name="M", last_name="P", user=user).full_clean()
    with pytest.raises(ValidationError):
        Patient(clinic=clinic, first_name="M", last_name="P", user=patient.user).full_clean()
    Patient(clinic=clinic, first_name="M", last_name="P", user=factories.make_user()).full_clean()


def test_staff_and_user_models_refuse_to_make_a_patients_sign_in_staff(clinic, patient):
    with pytest.raises(ValidationError):
        StaffMember(user=patient.user, clinic=clinic).full_clean()
    patient.user.is_staff = True
    with pytest.raises(ValidationError):
        patient.user.full_clean()


def test_database_refuses_a_staff_sign_in_for_a_patient(clinic, therapist, superuser, patient):
    for user in (therapist.user, superuser):
        with pytest.raises(DatabaseError), transaction.atomic():
            Patient.objects.filter(pk=patient.pk).update(user=user)
        with pytest.raises(DatabaseError), transaction.atomic():
            Patient.objects.create(clinic=clinic, first_name="M", user=user)
    assert Patient.objects.get(pk=patient.pk).user_id == patient.user_id


def test_database_refuses_to_make_a_patients_sign_in_staff(clinic, patient):
    with pytest.raises(DatabaseError), transaction.atomic():
        StaffMember.objects.create(user=patient.user, clinic=clinic)
    for flag in ("is_staff", "is_superuser"):
        with pytest.raises(DatabaseError), transaction.atomic():
            User.objects.filter(pk=patient.user.pk).update(**{flag: True})
    patient.user.refresh_from_db()
    assert not patient.user.is_staff
    assert not StaffMember.objects.filter(user=patient.user).exists()


def test_saving_a_patient_or_staff_member_unchanged_passes_the_triggers(patient, therapist):
    patient.first_name = "Alicia"
    patient.save()
    therapist.role = "admin"
    therapist.save()
    patient.user.first_name = "Alicia"
    patient.user.save()


# The team pages and the invitation page never reach an existing sign-in.


def test_team_page_cannot_make_a_patients_sign_in_staff(client, clinic_admin, patient):
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("team:staff_create"),
        {
            "first_name": "Alice",
            "last_name": "Patient",
            "email": "alice@example.com",
            "username": patient.user.username,
            "role": "admin",
        },
    )
    assert response.status_code == 400
    patient.user.refresh_from_db()
    assert not patient.user.is_staff
    assert not StaffMember.objects.filter(user=patient.user).exists()


def test_invitation_accept_refuses_a_staff_members_username(client, therapist, clinic_admin):
    from patients.roster.services import invitation_create

    patient = factories.make_patient(therapist.clinic, account=False)
    _, token = invitation_create(patient=patient, created_by=therapist.user)
    response = client.post(
        reverse("account:invite_accept", args=[token]),
        {
            "mode": "password",
            "username": clinic_admin.user.username,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    clinic_admin.user.refresh_from_db()
    assert clinic_admin.user.check_password(factories.PASSWORD)
    patient.refresh_from_db()
    assert patient.user_id is None
