"""The builder's progression page: routines/<id>/steps/<id>/progression/."""

import pytest
from django.urls import reverse

from routines.progression.models import ProgressionRule
from tests import factories

pytestmark = pytest.mark.django_db

FORM = {
    "field": "hold_seconds",
    "mode": "amount",
    "amount": "5",
    "cadence": "weeks",
    "every": "1",
    "ceiling": "40",
}


@pytest.fixture
def step(clinic):
    return factories.make_routine(clinic, steps=2).steps.order_by("position").first()


def _url(step):
    return reverse("routines:step_progression", args=[step.routine_id, step.id])


def test_progression_page_shows_eight_weeks_of_preview(client, therapist, step):
    client.force_login(therapist.user)
    response = client.get(_url(step))
    assert response.status_code == 200
    assert [week["value"] for week in response.context["preview"]] == [
        20,
        25,
        30,
        35,
        40,
        40,
        40,
        40,
    ]
    assert "Week by week" in response.content.decode()


def test_progression_page_previews_the_forms_values_before_saving(client, therapist, step):
    client.force_login(therapist.user)
    values = FORM | {"mode": "percent", "amount": "50", "ceiling": "60"}
    response = client.get(_url(step), values, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [week["value"] for week in response.context["preview"]][:4] == [20, 30, 45, 60]
    assert "<h1>" not in response.content.decode()  # the partial only
    assert not ProgressionRule.objects.exists()


def test_progression_page_saves_the_rule_through_the_service(client, therapist, step):
    client.force_login(therapist.user)
    response = client.post(_url(step), FORM | {"frozen": "on"})
    assert response.status_code == 302
    rule = ProgressionRule.objects.get(step=step)
    assert rule.ceiling == 40
    assert rule.frozen_on is not None


def test_progression_page_refuses_an_invalid_rule(client, therapist, step):
    client.force_login(therapist.user)
    response = client.post(_url(step), FORM | {"field": "sets", "ceiling": "40"})
    assert response.status_code == 400
    assert "At most 10." in response.content.decode()
    assert not ProgressionRule.objects.exists()


def test_progression_page_removes_the_rule(client, therapist, step):
    client.force_login(therapist.user)
    client.post(_url(step), FORM)
    assert client.post(_url(step), {"remove": "1"}).status_code == 302
    assert not ProgressionRule.objects.exists()


def test_progression_page_a_colleague_may_use_it(client, colleague, step):
    client.force_login(colleague.user)
    assert client.get(_url(step)).status_code == 200
    assert client.post(_url(step), FORM).status_code == 302


@pytest.mark.parametrize("who", ["other_clinic_therapist", "patient", "other_patient"])
def test_progression_page_is_404_for_others(client, request, step, who):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(_url(step)).status_code == 404
    assert client.post(_url(step), FORM).status_code == 404
    assert not ProgressionRule.objects.exists()


def test_progression_page_sends_anonymous_to_sign_in(client, step):
    response = client.get(_url(step))
    assert response.status_code == 302
    assert "login" in response.url
    client.post(_url(step), FORM)
    assert not ProgressionRule.objects.exists()


def test_progression_page_another_clinics_step_is_404(client, therapist, other_clinic):
    theirs = factories.make_routine(other_clinic, steps=1).steps.get()
    client.force_login(therapist.user)
    assert client.get(_url(theirs)).status_code == 404


def test_progression_page_a_built_in_step_is_404(client, therapist):
    builtin = factories.make_routine(None, steps=1).steps.get()
    client.force_login(therapist.user)
    assert client.get(_url(builtin)).status_code == 404


def test_builder_links_each_step_to_its_progression(client, therapist, step):
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[step.routine_id])).content.decode()
    assert _url(step) in page
