"""Outcome-measure fixtures: the shipped questionnaires, a plan that asks for them, and a
licensed instrument as a clinic would import it (made-up wording, not a real instrument)."""

import copy
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from patients.outcomes.models import QuestionnaireVersion, Response
from patients.outcomes.services import schedule_create

from .shipped import shipped

LICENCE = "Used by Riverside Physio under licence 2026-0042 from the test publisher."


def _option(score: int) -> dict:
    return {
        "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": score}
        ],
        "valueCoding": {
            "system": "https://example.org/answers",
            "code": f"a{score}",
            "display": f"Answer worth {score}",
        },
    }


def _item(number: int) -> dict:
    """Made-up questions; the first is required, the third reversed, the others coded."""
    item = {"linkId": f"q{number}", "text": f"Made-up question {number}", "type": "choice"}
    if number == 1:
        item["required"] = True
    if number == 3:
        item["extension"] = [
            {
                "url": "https://limber.example/fhir/StructureDefinition/reversed",
                "valueBoolean": True,
            }
        ]
    else:
        item["code"] = [{"system": "https://example.org/codes", "code": f"BF{number}"}]
    item["answerOption"] = [_option(score) for score in range(6)]
    return item


# A made-up instrument in the shape of a licensed one: choice items scored 0-5, one of them
# reversed, scored as a percentage with one item allowed missing.
LICENSED = {
    "resourceType": "Questionnaire",
    "id": "back-function",
    "extension": [
        {
            "url": "https://limber.example/fhir/StructureDefinition/scoring",
            "extension": [
                {"url": "kind", "valueCode": "percent"},
                {"url": "maxMissing", "valueInteger": 1},
                {"url": "mcid", "valueDecimal": 10},
                {"url": "higherIsBetter", "valueBoolean": False},
            ],
        },
        {
            "url": "https://limber.example/fhir/StructureDefinition/source",
            "valueMarkdown": "Test Publisher, Back function index, 2020.",
        },
    ],
    "url": "https://example.org/fhir/Questionnaire/back-function",
    "version": "2.1",
    "name": "BackFunctionIndex",
    "title": "Back Function Index",
    "status": "active",
    "publisher": "Test Publisher",
    "description": "How much your back gets in the way of everyday life.",
    "copyright": LICENCE,
    "item": [_item(number) for number in range(1, 5)],
}


@pytest.fixture
def licensed_resource():
    return copy.deepcopy(LICENSED)


@pytest.fixture
def nprs(db):
    return shipped("nprs")


@pytest.fixture
def psfs(db):
    return shipped("psfs")


@pytest.fixture
def nprs_schedule(assignment, nprs, therapist):
    return schedule_create(
        assignment=assignment,
        questionnaire=nprs,
        at_start=True,
        every_weeks=None,
        at_end=False,
        created_by=therapist.user,
    )


@pytest.fixture
def psfs_schedule(assignment, psfs, therapist):
    return schedule_create(
        assignment=assignment,
        questionnaire=psfs,
        at_start=True,
        every_weeks=None,
        at_end=False,
        created_by=therapist.user,
    )


def make_response(patient, questionnaire, score, days_ago, schedule=None, answers=None):
    """A scored response as if answered `days_ago` (history for charts and attention)."""
    version = QuestionnaireVersion.objects.filter(questionnaire=questionnaire).latest("id")
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return Response.objects.create(
        patient=patient,
        version=version,
        schedule=schedule,
        due_on=None,
        local_date=timezone.localdate(when, patient.clinic.zone),
        answered_at=when,
        answers=answers if answers is not None else {"pain": int(score)},
        score=Decimal(score),
    )
