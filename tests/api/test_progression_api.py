"""The progression rule in the API: /api/v1/routines/<id>/steps/<id>/progression/."""

import pytest

from routines.progression.models import ProgressionRule
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

RULE = {"field": "hold_seconds", "amount": 5, "ceiling": 40}


@pytest.fixture
def step(clinic):
    return factories.make_routine(clinic, steps=2).steps.order_by("position").first()


def _url(step):
    return f"/api/v1/routines/{step.routine_id}/steps/{step.id}/progression/"


def test_progression_api_put_creates_the_rule_with_its_preview(api, therapist, step):
    response = api.put(_url(step), RULE, format="json", headers=bearer(therapist.user))
    assert response.status_code == 201
    assert [week["value"] for week in response.json()["preview"]] == [
        20,
        25,
        30,
        35,
        40,
        40,
        40,
        40,
    ]
    assert ProgressionRule.objects.get(step=step).ceiling == 40


def test_progression_api_reads_patches_and_deletes(api, therapist, step):
    headers = bearer(therapist.user)
    api.put(_url(step), RULE, format="json", headers=headers)
    response = api.patch(_url(step), {"frozen": True}, format="json", headers=headers)
    assert response.status_code == 200
    assert response.json()["frozen"] is True
    assert {week["value"] for week in response.json()["preview"]} == {20}
    assert api.get(_url(step), headers=headers).json()["ceiling"] == 40
    assert api.delete(_url(step), headers=headers).status_code == 204
    assert api.get(_url(step), headers=headers).status_code == 404


def test_progression_api_refuses_a_ceiling_above_the_fields_maximum(api, therapist, step):
    body = RULE | {"field": "sets", "ceiling": 40}
    response = api.put(_url(step), body, format="json", headers=bearer(therapist.user))
    assert response.status_code == 400
    assert not ProgressionRule.objects.exists()


def test_progression_api_a_colleague_may_change_the_clinics_rule(api, colleague, step):
    response = api.put(_url(step), RULE, format="json", headers=bearer(colleague.user))
    assert response.status_code == 201


@pytest.mark.parametrize("who", ["other_clinic_therapist", "patient"])
def test_progression_api_others_get_404_or_403(api, request, step, who):
    user = request.getfixturevalue(who).user
    response = api.put(_url(step), RULE, format="json", headers=bearer(user))
    assert response.status_code in (403, 404)
    assert api.get(_url(step), headers=bearer(user)).status_code in (403, 404)
    assert not ProgressionRule.objects.exists()


def test_progression_api_another_clinics_step_is_404(api, therapist, other_clinic):
    theirs = factories.make_routine(other_clinic, steps=1).steps.get()
    response = api.put(_url(theirs), RULE, format="json", headers=bearer(therapist.user))
    assert response.status_code == 404


def test_progression_api_anonymous_is_refused(api, step):
    assert api.put(_url(step), RULE, format="json").status_code in (401, 403)
    assert not ProgressionRule.objects.exists()


def test_progression_api_a_built_in_step_is_read_only(api, therapist):
    builtin = factories.make_routine(None, steps=1).steps.get()
    response = api.put(_url(builtin), RULE, format="json", headers=bearer(therapist.user))
    assert response.status_code == 403


def test_completion_through_the_api_keeps_the_progressed_hold(api, patient):
    import uuid

    from patients.sessions.services import session_start
    from tests.patients.test_progression import _plan_a_week_old, _rule

    assignment, step = _plan_a_week_old(patient)
    _rule(step)
    session = session_start(assignment=assignment)
    body = {
        "client_id": str(uuid.uuid4()),
        "step": step.id,
        "set_number": 1,
        "side": "both",
        "status": "done",
    }
    response = api.post(
        f"/api/v1/sessions/{session.id}/completions/",
        body,
        format="json",
        headers=bearer(patient.user),
    )
    assert response.status_code == 201, response.content
    assert session.completions.get(step=step).hold_seconds == 25


def test_progression_api_leaves_patients_own_copies_out(api, therapist, assignment):
    """A plan's copy is patient data: the API (unaudited, like the steps API) answers 404;
    the builder's audited page changes a plan's rule."""
    theirs = assignment.routine.steps.order_by("position").first()
    response = api.put(_url(theirs), RULE, format="json", headers=bearer(therapist.user))
    assert response.status_code == 404
