"""Staff are warned two minutes before the idle sign-out and can stay signed in (issue 23.7).

The keep-alive endpoint counts as a request for the session policy; the page's script
(limber/idle.js) shows the warning and posts to it."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db

LAST_SEEN_AT = "limber_last_seen_at"


def _staff_client(client, member):
    client.force_login(member.user)
    factories.verify_second_step(client, member.user)
    client.get(reverse("dashboard:home"))  # the session policy starts its clock
    return client


def test_keep_alive_restarts_the_idle_clock(client, therapist):
    client = _staff_client(client, therapist)
    session = client.session
    session[LAST_SEEN_AT] = int(time.time()) - 25 * 60
    session.save()
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 200
    assert response.json() == {"idle_seconds": 30 * 60}
    assert client.session[LAST_SEEN_AT] >= int(time.time()) - 2


def test_keep_alive_after_the_idle_limit_does_not_bring_the_session_back(client, therapist):
    client = _staff_client(client, therapist)
    session = client.session
    session[LAST_SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    response = client.post(reverse("keep_alive"))
    assert response.status_code in (302, 403, 404)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["patient", "other_patient"])
def test_keep_alive_is_404_for_patients(client, request, role):
    client.force_login(request.getfixturevalue(role).user)
    assert client.post(reverse("keep_alive")).status_code == 404


def test_keep_alive_sends_anonymous_to_sign_in(client):
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_keep_alive_answers_only_post(client, clinic_admin):
    client = _staff_client(client, clinic_admin)
    assert client.get(reverse("keep_alive")).status_code == 405


def test_patient_pages_carry_no_idle_warning(client, patient, assignment):
    client.force_login(patient.user)
    page = client.get(reverse("patients:today")).content.decode()
    assert "idle-warning" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_are_warned_two_minutes_before_the_idle_sign_out_and_can_stay(
    page, sign_in, therapist
):
    page.clock.install()
    sign_in(page, therapist.user)
    page.goto("/staff/patients/")
    routines_link = page.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name="Routines"
    )
    routines_link.focus()
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_hidden()
    page.clock.run_for("27:55")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:10")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("signed out in 2 minutes")
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    with page.expect_response(lambda response: "keep-alive" in response.url) as answer:
        stay.click()
    assert answer.value.status == 200
    expect(warning).to_be_hidden()
    expect(routines_link).to_be_focused()
    # The clock starts again: no warning until 28 minutes after staying.
    page.clock.run_for("27:00")
    expect(warning).to_be_hidden()
    page.clock.run_for("01:10")
    expect(warning).to_be_visible()
