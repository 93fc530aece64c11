"""Sign in, sign out, and a home page that sends each role where it belongs."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_home_asks_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_and_out(client, therapist):
    response = client.post(
        reverse("login"), {"username": therapist.user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    client.post(reverse("logout"))
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_wrong_password_gets_a_clear_message(client, therapist):
    response = client.post(
        reverse("login"), {"username": therapist.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
def test_staff_go_to_their_workspace(client, request, role):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get(reverse("home")).url == reverse("dashboard:home")


def test_patient_sees_their_own_plan(client, patient, assignment, other_patient):
    other = factories.make_assignment(other_patient)
    other.routine.name = "Someone else's plan"
    other.routine.save()
    client.force_login(patient.user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert assignment.routine.name in page
    assert "Someone else's plan" not in page
    assert "never force a position" in page


def test_user_without_a_role_is_told_so(client):
    client.force_login(factories.make_user())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not linked to a clinic" in response.content.decode()
