"""The outcome-measure API: questionnaires and FHIR, schedules, what is due, responses."""

from decimal import Decimal

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from patients.outcomes.models import Postponement, Questionnaire, Response
from patients.outcomes.models import Schedule as OutcomeSchedule
from patients.outcomes.services import questionnaire_import, response_submit

from .conftest import make_response

pytestmark = pytest.mark.django_db


def _as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _ids(response) -> set[int]:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return {row["id"] for row in rows}


def test_api_questionnaires_lists_shipped_and_own_only(
    therapist, other_clinic, licensed_resource, nprs, psfs
):
    theirs = questionnaire_import(clinic=other_clinic, resource=licensed_resource)
    response = _as(therapist.user).get("/api/v1/questionnaires/")
    assert response.status_code == 200
    assert _ids(response) == {nprs.pk, psfs.pk}
    assert theirs.questionnaire_id not in _ids(response)
    detail = _as(therapist.user).get(f"/api/v1/questionnaires/{theirs.questionnaire_id}/")
    assert detail.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("patient", 404), (None, 403)])
def test_api_questionnaires_are_for_staff(request, who, status):
    user = request.getfixturevalue(who).user if who else None
    assert _as(user).get("/api/v1/questionnaires/").status_code in (status, 401)


def test_api_questionnaire_import_and_export_round_trip(clinic_admin, licensed_resource):
    client = _as(clinic_admin.user)
    response = client.post("/api/v1/questionnaires/import/", licensed_resource, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["copyright"] == licensed_resource["copyright"]
    assert body["versions"][0]["items"][2]["reversed"] is True
    exported = client.get(f"/api/v1/questionnaires/{body['id']}/fhir/")
    assert exported.json() == licensed_resource


def test_api_questionnaire_import_refuses_naming_the_field(clinic_admin, licensed_resource):
    licensed_resource["item"][1]["type"] = "group"
    response = _as(clinic_admin.user).post(
        "/api/v1/questionnaires/import/", licensed_resource, format="json"
    )
    assert response.status_code == 400
    assert any(
        message.startswith("item[1].type:") for message in response.json()["fields"]["resource"]
    ), response.json()
    assert not Questionnaire.objects.filter(clinic__isnull=False).exists()


def test_api_questionnaire_import_is_for_clinic_admins(therapist, licensed_resource):
    response = _as(therapist.user).post(
        "/api/v1/questionnaires/import/", licensed_resource, format="json"
    )
    assert response.status_code == 404
    assert not Questionnaire.objects.filter(clinic__isnull=False).exists()


def test_api_schedules_create_list_delete(therapist, colleague, assignment, nprs):
    client = _as(therapist.user)
    body = {"assignment": assignment.pk, "questionnaire": nprs.pk, "every_weeks": 4}
    response = client.post("/api/v1/questionnaire-schedules/", body, format="json")
    assert response.status_code == 201
    schedule_id = response.json()["id"]
    assert response.json()["patient"] == assignment.patient_id
    listed = _as(colleague.user).get(
        f"/api/v1/questionnaire-schedules/?patient={assignment.patient_id}"
    )
    assert _ids(listed) == {schedule_id}
    assert client.delete(f"/api/v1/questionnaire-schedules/{schedule_id}/").status_code == 204
    assert not OutcomeSchedule.objects.exists()


def test_api_schedules_of_another_clinic_are_not_theirs(
    other_clinic_therapist, nprs_schedule, assignment, nprs
):
    client = _as(other_clinic_therapist.user)
    assert _ids(client.get("/api/v1/questionnaire-schedules/")) == set()
    url = f"/api/v1/questionnaire-schedules/{nprs_schedule.pk}/"
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    body = {"assignment": assignment.pk, "questionnaire": nprs.pk}
    assert client.post("/api/v1/questionnaire-schedules/", body, format="json").status_code == 400
    assert OutcomeSchedule.objects.count() == 1


def test_api_patient_answers_what_is_due(patient, nprs_schedule):
    client = _as(patient.user)
    due = client.get("/api/v1/questionnaires-due/").json()
    assert [item["schedule"] for item in due] == [nprs_schedule.pk]
    assert due[0]["version"]["items"][0]["link_id"] == "pain"
    assert due[0]["can_postpone"] is True
    body = {"schedule": nprs_schedule.pk, "answers": {"pain": 6}}
    response = client.post("/api/v1/questionnaire-responses/", body, format="json")
    assert response.status_code == 201
    assert Decimal(response.json()["score"]) == Decimal(6)
    assert client.get("/api/v1/questionnaires-due/").json() == []
    again = client.post("/api/v1/questionnaire-responses/", body, format="json")
    assert again.status_code == 400


def test_api_response_with_a_bad_answer_is_refused(patient, nprs_schedule):
    body = {"schedule": nprs_schedule.pk, "answers": {"pain": 12}}
    response = _as(patient.user).post("/api/v1/questionnaire-responses/", body, format="json")
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_api_patient_postpones_once(patient, nprs_schedule):
    client = _as(patient.user)
    assert client.post("/api/v1/questionnaires-due/postpone/").json() == []
    assert Postponement.objects.count() == 1
    assert client.get("/api/v1/questionnaires-due/").json() == []


def test_api_another_patient_cannot_answer_or_read(other_patient, patient, nprs_schedule):
    response = response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 2})
    client = _as(other_patient.user)
    body = {"schedule": nprs_schedule.pk, "answers": {"pain": 6}}
    assert client.post("/api/v1/questionnaire-responses/", body, format="json").status_code == 400
    assert _ids(client.get("/api/v1/questionnaire-responses/")) == set()
    for suffix in ("", "fhir/", "observation/"):
        url = f"/api/v1/questionnaire-responses/{response.pk}/{suffix}"
        assert client.get(url).status_code == 404


def test_api_staff_read_responses_and_fhir(
    therapist, other_clinic_therapist, patient, nprs_schedule
):
    response = response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 2})
    client = _as(therapist.user)
    assert _ids(client.get(f"/api/v1/questionnaire-responses/?patient={patient.pk}")) == {
        response.pk
    }
    answers = client.get(f"/api/v1/questionnaire-responses/{response.pk}/fhir/").json()
    QuestionnaireResponse.model_validate(answers)
    observation = client.get(f"/api/v1/questionnaire-responses/{response.pk}/observation/").json()
    Observation.model_validate(observation)
    assert observation["valueQuantity"]["value"] == 2
    other = _as(other_clinic_therapist.user)
    assert other.get(f"/api/v1/questionnaire-responses/{response.pk}/").status_code == 404
    assert _ids(other.get("/api/v1/questionnaire-responses/")) == set()


def test_api_staff_cannot_answer_for_a_patient(therapist, nprs_schedule):
    body = {"schedule": nprs_schedule.pk, "answers": {"pain": 6}}
    response = _as(therapist.user).post("/api/v1/questionnaire-responses/", body, format="json")
    assert response.status_code == 404
    assert _as(therapist.user).get("/api/v1/questionnaires-due/").status_code == 404


def test_api_responses_list_query_count(therapist, patient, nprs, django_assert_max_num_queries):
    for days_ago in range(60):
        make_response(patient, nprs, days_ago % 10, days_ago=days_ago)
    with django_assert_max_num_queries(6):
        response = _as(therapist.user).get("/api/v1/questionnaire-responses/?page_size=100")
    assert response.json()["count"] == 60
