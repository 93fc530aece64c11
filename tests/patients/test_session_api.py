"""The JSON API the session player's JavaScript calls: same services, JSON field errors."""

import datetime
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import AssignmentPause, Completion
from patients.sessions.services import session_finish, session_start
from routines.models import RoutineStep
from tests import factories
from tests.patients.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _completions_url(session):
    return reverse("api:session-completions", args=[session.id])


def _finish_url(session):
    return reverse("api:session-finish", args=[session.id])


def _unit(session, **fields):
    step = session.assignment.routine.steps.first()
    return {
        "client_id": str(uuid.uuid4()),
        "step": step.id,
        "set_number": 1,
        "side": "both",
        "status": "done",
        **fields,
    }


def test_api_records_a_completion_once_per_client_id(api, patient, session):
    api.force_authenticate(patient.user)
    payload = _unit(session)
    first = api.post(_completions_url(session), payload, format="json")
    again = api.post(_completions_url(session), payload, format="json")
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["client_id"] == payload["client_id"]
    assert Completion.objects.count() == 1


def test_api_same_unit_with_a_new_client_id_is_stored_once(api, patient, session):
    api.force_authenticate(patient.user)
    api.post(_completions_url(session), _unit(session), format="json")
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 200
    assert Completion.objects.count() == 1


def test_api_records_a_skip_with_its_reason(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(
        _completions_url(session),
        _unit(session, status="skipped", skip_reason="too_hard"),
        format="json",
    )
    assert response.status_code == 201
    assert Completion.objects.get().skip_reason == "too_hard"


def test_api_finish_records_pain_and_flags_seven_or_more(api, patient, session):
    factories.record_every_step(session)
    api.force_authenticate(patient.user)
    response = api.post(
        _finish_url(session), {"pain": 8, "effort": "hard", "note": "Sharp"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["flagged"] is True
    session.refresh_from_db()
    assert (session.pain, session.effort, session.flagged) == (8, "hard", True)
    assert session.is_finished


def test_api_reads_own_session(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.get(reverse("api:session-detail", args=[session.id]))
    assert response.status_code == 200
    assert response.json()["id"] == session.id


# Bad input: JSON field errors with 400 and nothing stored.


def test_api_refuses_a_step_outside_the_routine(api, patient, session, other_patient_session):
    foreign = other_patient_session.assignment.routine.steps.first()
    api.force_authenticate(patient.user)
    response = api.post(_completions_url(session), _unit(session, step=foreign.id), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "step": ["This step is not part of this session's routine."]
    }
    unknown = api.post(_completions_url(session), _unit(session, step=987654), format="json")
    assert unknown.status_code == 400
    assert "step" in unknown.json()["fields"]
    assert not Completion.objects.exists()


def test_api_refuses_a_finished_session(api, patient, session):
    factories.record_every_step(session)
    session_finish(session=session, pain=1)
    recorded = Completion.objects.count()
    # The physiotherapist adds a step afterwards; the finished session stays as it was.
    first = session.assignment.routine.steps.first()
    added = RoutineStep.objects.create(
        routine=session.assignment.routine, exercise=first.exercise, position=99
    )
    api.force_authenticate(patient.user)
    response = api.post(_completions_url(session), _unit(session, step=added.id), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "This session is already finished.",
        "fields": {},
    }
    again = api.post(_finish_url(session), {"pain": 3}, format="json")
    assert again.status_code == 409
    assert Completion.objects.count() == recorded
    session.refresh_from_db()
    assert session.pain == 1


def test_api_refuses_a_paused_plan(api, patient, session, clinic):
    AssignmentPause.objects.create(assignment=session.assignment, starts_on=clinic.today())
    api.force_authenticate(patient.user)
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 400
    assert "paused" in response.json()["fields"]["assignment"][0]
    finish = api.post(_finish_url(session), {"pain": 2}, format="json")
    assert finish.status_code == 400
    assert not Completion.objects.exists()
    session.refresh_from_db()
    assert not session.is_finished


def test_api_refuses_an_ended_plan(api, patient, session, clinic):
    session.assignment.ends_on = clinic.today() - datetime.timedelta(days=1)
    session.assignment.save()
    api.force_authenticate(patient.user)
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 400
    assert "ended" in response.json()["fields"]["assignment"][0]
    assert not Completion.objects.exists()


@pytest.mark.parametrize("pain", [11, -1, None, "lots"])
def test_api_refuses_pain_outside_zero_to_ten(api, patient, session, pain):
    api.force_authenticate(patient.user)
    response = api.post(_finish_url(session), {"pain": pain}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["pain"]
    session.refresh_from_db()
    assert not session.is_finished


def test_api_refuses_pain_11_with_a_clear_message(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(_finish_url(session), {"pain": 11}, format="json")
    assert response.json()["fields"] == {"pain": ["Choose a pain score from 0 to 10."]}


def test_api_refuses_a_skip_without_a_reason(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(_completions_url(session), _unit(session, status="skipped"), format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"skip_reason": ["Tell us why you are skipping this step."]}
    assert not Completion.objects.exists()


def test_api_refuses_malformed_input(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(
        _completions_url(session),
        {"client_id": "nope", "step": "x", "set_number": 0, "side": "up", "status": "meh"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"client_id", "step", "set_number", "side", "status"}
    assert not Completion.objects.exists()


def test_api_refuses_a_client_id_of_another_session(api, patient, session, other_patient_session):
    theirs, _ = complete(
        other_patient_session, other_patient_session.assignment.routine.steps.first()
    )
    api.force_authenticate(patient.user)
    response = api.post(
        _completions_url(session), _unit(session, client_id=str(theirs.client_id)), format="json"
    )
    assert response.status_code == 400
    assert "client_id" in response.json()["fields"]
    assert Completion.objects.count() == 1


# Access.


def test_api_another_patients_session_is_404(api, patient, other_patient_session):
    api.force_authenticate(patient.user)
    unit = _unit(other_patient_session)
    assert api.post(_completions_url(other_patient_session), unit, format="json").status_code == 404
    assert (
        api.post(_finish_url(other_patient_session), {"pain": 1}, format="json").status_code == 404
    )
    assert (
        api.get(reverse("api:session-detail", args=[other_patient_session.id])).status_code == 404
    )
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "role", ["therapist", "colleague", "clinic_admin", "other_clinic_therapist"]
)
def test_api_staff_cannot_record_for_a_patient(api, request, role, session):
    api.force_authenticate(request.getfixturevalue(role).user)
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_api_anonymous_is_refused(api, session):
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"
    assert not Completion.objects.exists()


def test_api_requires_the_csrf_token(patient, session):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(patient.user)
    response = api.post(_completions_url(session), _unit(session), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]
    assert not Completion.objects.exists()


def test_api_completion_query_count_is_fixed(api, patient, session, django_assert_num_queries):
    api.force_login(patient.user)
    unit = _unit(session)
    # The user with their patient record (the sign-in session comes from the cache, and so
    # will the user from the next request on: clinic.signed_in); the session with
    # its plan and whether a pause covers it today; the step with its exercise; the INSERT,
    # in a savepoint here only because the test runs inside a transaction (SAVEPOINT,
    # INSERT, RELEASE); and the audit trail's row.
    with django_assert_num_queries(7):
        response = api.post(_completions_url(session), unit, format="json")
    assert response.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_api_completion_needs_no_transaction_of_its_own(
    api, patient, session, django_assert_num_queries
):
    """Outside a transaction, as in production, the INSERT is its own: no BEGIN, savepoint
    or COMMIT round trips."""
    api.force_login(patient.user)
    unit = _unit(session)
    with django_assert_num_queries(5) as queries:
        response = api.post(_completions_url(session), unit, format="json")
    assert response.status_code == 201
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["SELECT", "SELECT", "SELECT", "INSERT", "INSERT"]


def test_api_answers_a_resend_after_the_session_is_finished(api, patient, session):
    """A device that lost the first answer sends again after finishing elsewhere: it gets
    the stored record, not a refusal."""
    api.force_authenticate(patient.user)
    steps = list(session.assignment.routine.steps.all())
    units = [_unit(session, step=step.id) for step in steps]
    first = [api.post(_completions_url(session), unit, format="json") for unit in units]
    assert api.post(_finish_url(session), {"pain": 1}, format="json").status_code == 200
    again = api.post(_completions_url(session), units[0], format="json")
    assert again.status_code == 200
    assert again.json() == first[0].json()
    changed = api.post(
        _completions_url(session),
        {**units[0], "status": "skipped", "skip_reason": "pain"},
        format="json",
    )
    assert changed.status_code == 409
    assert Completion.objects.count() == len(steps)


def test_api_answers_a_resend_once_the_plan_is_paused(api, patient, session, clinic):
    api.force_authenticate(patient.user)
    unit = _unit(session)
    first = api.post(_completions_url(session), unit, format="json")
    AssignmentPause.objects.create(assignment=session.assignment, starts_on=clinic.today())
    again = api.post(_completions_url(session), unit, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_api_checks_pauses_on_the_day_a_late_record_was_done(api, patient, assignment, clinic):
    """A record sent late (the device was offline) counts on the day it was done: a pause
    then refuses it, a pause only today does not."""
    yesterday = clinic.today() - datetime.timedelta(days=1)
    noon = datetime.datetime.combine(yesterday, datetime.time(12), tzinfo=clinic.zone)
    session = session_start(assignment=assignment, started_at=noon)
    pause = AssignmentPause.objects.create(
        assignment=assignment, starts_on=yesterday, ends_on=yesterday
    )
    api.force_authenticate(patient.user)
    late = _unit(session, recorded_at=noon.isoformat())
    refused = api.post(_completions_url(session), late, format="json")
    assert refused.status_code == 400
    assert "paused" in refused.json()["fields"]["assignment"][0]
    pause.starts_on = pause.ends_on = clinic.today()
    pause.save()
    assert api.post(_completions_url(session), late, format="json").status_code == 201
