"""FHIR R4 in and out: import, answer, export; refusals name the field and store nothing."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from patients.outcomes import fhir
from patients.outcomes.models import Item, Questionnaire, QuestionnaireVersion, Response
from patients.outcomes.selectors import version_with_items
from patients.outcomes.services import questionnaire_import, response_submit, schedule_create

from .conftest import LICENCE

pytestmark = pytest.mark.django_db


def _stored():
    return (
        Questionnaire.objects.count(),
        QuestionnaireVersion.objects.count(),
        Item.objects.count(),
    )


def test_questionnaire_import_then_export_gives_back_the_same_questionnaire(
    clinic, licensed_resource
):
    version = questionnaire_import(
        clinic=clinic, resource=json.loads(json.dumps(licensed_resource))
    )
    exported = fhir.questionnaire_resource(version_with_items(version.pk))
    assert exported == licensed_resource
    FhirQuestionnaire.model_validate(exported)
    assert version.questionnaire.clinic == clinic
    assert version.questionnaire.copyright == LICENCE
    assert (version.score_kind, version.max_missing, version.mcid) == ("percent", 1, Decimal(10))
    assert (version.score_min, version.score_max) == (Decimal(0), Decimal(100))
    reversed_item = version.items.get(link_id="q3")
    assert reversed_item.reversed
    assert list(reversed_item.options.values_list("score", flat=True)) == [0, 1, 2, 3, 4, 5]


def test_shipped_questionnaires_export_as_valid_fhir_and_import_back(clinic, nprs, psfs):
    for questionnaire in (nprs, psfs):
        version = version_with_items(questionnaire.versions.latest("id").pk)
        exported = fhir.questionnaire_resource(version)
        FhirQuestionnaire.model_validate(exported)
        copy = questionnaire_import(clinic=clinic, resource=exported)
        assert fhir.questionnaire_resource(version_with_items(copy.pk)) == exported
    psfs_export = fhir.questionnaire_resource(version_with_items(psfs.versions.get().pk))
    rating = psfs_export["item"][1]
    assert rating["enableWhen"] == [
        {"question": "activity-1", "operator": "exists", "answerBoolean": True}
    ]


def test_fhir_round_trip_import_answer_export_response_and_observation(
    clinic, patient, assignment, therapist, licensed_resource
):
    version = questionnaire_import(clinic=clinic, resource=licensed_resource)
    schedule = schedule_create(
        assignment=assignment, questionnaire=version.questionnaire, created_by=therapist.user
    )
    # q1 a4 = 4, q2 a2 = 2, q3 reversed a1 = 5 + 0 - 1 = 4, q4 left out:
    # 10 of a possible 15 -> 66.67 %.
    response = response_submit(
        patient=patient, schedule=schedule, answers={"q1": "a4", "q2": "a2", "q3": "a1"}
    )
    assert response.score == Decimal("66.67")
    response = Response.objects.select_related("version__questionnaire").get(pk=response.pk)

    answers = fhir.response_resource(response, version_with_items(response.version_id))
    QuestionnaireResponse.model_validate(answers)
    assert answers["questionnaire"] == "https://example.org/fhir/Questionnaire/back-function|2.1"
    assert answers["subject"] == {"reference": f"Patient/{patient.pk}"}
    assert [item["linkId"] for item in answers["item"]] == ["q1", "q2", "q3"]
    assert answers["item"][2]["answer"] == [
        {
            "valueCoding": {
                "system": "https://example.org/answers",
                "code": "a1",
                "display": "Answer worth 1",
            }
        }
    ]

    observation = fhir.observation_resource(response)
    Observation.model_validate(observation)
    assert observation["valueQuantity"]["value"] == 66.67
    assert observation["derivedFrom"] == [
        {"reference": answers["resourceType"] + "/" + answers["id"]}
    ]
    assert observation["code"]["coding"][0]["code"] == "BackFunctionIndex"


def test_observation_without_a_score_says_why(clinic, patient, assignment, licensed_resource):
    version = questionnaire_import(clinic=clinic, resource=licensed_resource)
    schedule = schedule_create(assignment=assignment, questionnaire=version.questionnaire)
    response = response_submit(patient=patient, schedule=schedule, answers={"q1": "a1"})
    assert response.score is None
    observation = fhir.observation_resource(response)
    Observation.model_validate(observation)
    assert "valueQuantity" not in observation
    assert observation["dataAbsentReason"]["text"] == response.no_score_text


def _refused(clinic, resource) -> list[str]:
    before = _stored()
    with pytest.raises(ValidationError) as refused:
        questionnaire_import(clinic=clinic, resource=resource)
    assert _stored() == before
    return refused.value.messages


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["item"][2]["answerOption"][0].pop("extension"), "item[2].answerOption[0]"),
        (
            lambda r: r["item"][2]["answerOption"][1].update(valueString="x", valueCoding=None),
            "item[2].answerOption[1].valueString",
        ),
        (lambda r: r["item"][1].update(type="group"), "item[1].type"),
        (lambda r: r["item"][0].update(repeats=True), "item[0].repeats"),
        (lambda r: r["item"][3].update(item=[{"linkId": "x", "type": "string"}]), "item[3].item"),
        (lambda r: r["item"][1].pop("linkId"), "item[1].linkId"),
        (lambda r: r["item"][1].update(linkId="q1"), "item[1].linkId"),
        (lambda r: r["item"][0].update(unknownThing=1), "item[0].unknownThing"),
        (lambda r: r.update(status="unknown"), "status"),
        (lambda r: r.update(resourceType="Patient"), "resourceType"),
        (
            lambda r: r["extension"][0]["extension"][0].update(valueCode="median"),
            "extension[0].extension[0].valueCode",
        ),
        (lambda r: r.pop("item"), "item"),
        (
            lambda r: r["item"][0].update(
                enableWhen=[{"question": "q2", "operator": "=", "answerBoolean": True}]
            ),
            "item[0].enableWhen",
        ),
    ],
)
def test_questionnaire_import_refuses_naming_the_field_and_stores_nothing(
    clinic, licensed_resource, change, field
):
    change(licensed_resource)
    messages = _refused(clinic, licensed_resource)
    assert any(
        message.startswith(f"{field}:") or message.startswith(f"{field}.") for message in messages
    ), messages


def test_questionnaire_import_refuses_a_version_already_imported(clinic, licensed_resource):
    questionnaire_import(clinic=clinic, resource=licensed_resource)
    messages = _refused(clinic, licensed_resource)
    assert messages[0].startswith("version:")


def test_questionnaire_import_adds_a_new_version_and_keeps_the_old(clinic, licensed_resource):
    first = questionnaire_import(clinic=clinic, resource=licensed_resource)
    licensed_resource["version"] = "2.2"
    second = questionnaire_import(clinic=clinic, resource=licensed_resource)
    assert first.questionnaire_id == second.questionnaire_id
    assert list(first.questionnaire.versions.values_list("version", flat=True)) == ["2.1", "2.2"]


def test_loads_refuses_what_is_not_a_json_object():
    with pytest.raises(ValidationError, match="resource:"):
        fhir.loads("{not json")
    with pytest.raises(ValidationError, match="resource:"):
        fhir.loads("[1, 2]")
