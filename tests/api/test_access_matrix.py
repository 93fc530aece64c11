"""Every operation of the schema, tried by everyone who must not reach our clinic's data:
another clinic's physiotherapist, another patient of the same clinic, and anonymous.

"Ours" is one clinic's exercise, template, step, patient, plan, session and API key. The
matrix fills each path with our ids and each write with a body pointing at our objects. A
leak is a success on one of our objects, one of our ids in a list, or any change to our rows.
"""

import datetime
import json
import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from clinic.api.tokens.services import api_token_create
from patients.models import Completion
from patients.outcomes.services import questionnaire_import, response_submit, schedule_create
from patients.reminders.models import Delivery
from routines.progression.models import ProgressionRule
from tests.api.conftest import bearer
from tests.outcomes.shipped import shipped

pytestmark = pytest.mark.django_db

ACTORS = ["other_clinic_therapist", "other_patient", "anonymous"]


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


# Our clinic's own questionnaire (imported), asked for by our patient's plan and answered.
OUR_QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "name": "OurScale",
    "title": "Our scale",
    "status": "active",
    "item": [
        {
            "linkId": "q1",
            "text": "How is it?",
            "type": "integer",
            "extension": [
                {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 4},
            ],
        }
    ],
}


@pytest.fixture
def ours(world, therapist):
    step = world["template"].steps.first()
    token, _raw = api_token_create(user=therapist.user, name="Practice software")
    now = datetime.datetime.now(datetime.UTC)
    Delivery.objects.create(
        patient=world["patient"],
        local_date=now.date(),
        slot="07:30",
        channel="email",
        kind="scheduled",
        due_at=now,
        next_attempt_at=now,
    )
    version = questionnaire_import(clinic=therapist.clinic, resource=OUR_QUESTIONNAIRE)
    schedule = schedule_create(assignment=world["assignment"], questionnaire=version.questionnaire)
    answered = response_submit(patient=world["patient"], schedule=schedule, answers={"q1": 2})
    later = schedule_create(assignment=world["assignment"], questionnaire=shipped("nprs"))
    return {
        "questionnaires": version.questionnaire_id,
        "questionnaire-schedules": schedule.id,
        "questionnaires-due": later.id,
        "questionnaire-responses": answered.id,
        "exercises": world["exercise"].id,
        "routines": world["template"].id,
        "steps": step.id,
        "patients": world["patient"].id,
        "adherence": world["patient"].id,
        "assignments": world["assignment"].id,
        "sessions": world["session"].id,
        "tokens": token.id,
        "therapist": therapist.id,
        "session_step": world["session"].assignment.routine.steps.first().id,
        # Reminders are addressed by the patient's id; the log lists rows of our patient.
        "reminders": world["patient"].id,
        "reminder_deliveries": world["patient"].id,
        # The clinic's settings (/api/v1/clinic/): another clinic's staff see only theirs.
        "clinic": therapist.clinic_id,
    }


def _resource(path: str) -> str:
    parts = [part for part in path.split("/") if part and not part.startswith("{")]
    return parts[-1] if parts[-1] in ("steps", "completions", "finish", "move") else parts[2]


def _url(path: str, ours: dict) -> str:
    url = path.replace("{routine_id}", str(ours["routines"]))
    url = url.replace("{step_id}", str(ours["steps"]))
    if "/steps/{id}" in path:  # also .../steps/{id}/move/
        return url.replace("{id}", str(ours["steps"]))
    if "{id}" in path:
        return url.replace("{id}", str(ours[path.split("/")[3]]))
    return url


def _body(method: str, path: str, ours: dict) -> dict:
    """A body that would be valid for our own staff or patient, pointing at our objects."""
    today = datetime.date.today().isoformat()
    bodies = {
        "/api/v1/exercises/": {
            "name": "Borrowed",
            "body_region": "neck",
            "instructions": "x",
            "default_hold_seconds": 10,
            "default_repetitions": 1,
            "default_sets": 1,
        },
        "/api/v1/routines/": {"name": "Borrowed"},
        "/api/v1/routines/{routine_id}/steps/": {"exercise": ours["exercises"]},
        "/api/v1/patients/": {"first_name": "Eve", "physiotherapist": ours["therapist"]},
        "/api/v1/assignments/": {
            "patient": ours["patients"],
            "routine": ours["routines"],
            "starts_on": today,
        },
        "/api/v1/sessions/": {"assignment": ours["assignments"]},
        "/api/v1/sessions/{id}/completions/": {
            "client_id": str(uuid.uuid4()),
            "step": ours["session_step"],
            "set_number": 1,
            "side": "both",
            "status": "done",
        },
        "/api/v1/sessions/{id}/finish/": {"pain": 1},
        "/api/v1/tokens/": {"name": "Mine"},
        "/api/v1/questionnaires/import/": OUR_QUESTIONNAIRE,
        "/api/v1/questionnaire-schedules/": {
            "assignment": ours["assignments"],
            "questionnaire": ours["questionnaires"],
        },
        "/api/v1/questionnaire-responses/": {
            "schedule": ours["questionnaires-due"],
            "answers": {"pain": 3},
        },
        "/api/v1/routines/{routine_id}/steps/{step_id}/progression/": {
            "field": "hold_seconds",
            "amount": 5,
            "ceiling": 40,
        },
    }
    if method == "PATCH" and path.endswith("/progression/"):
        return {"frozen": True}
    if method == "PATCH":
        return {"name": "Changed", "first_name": "Changed", "note": "Changed"}
    return bodies.get(path, {})


def _ids_in(data, key: str) -> set[int]:
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if not isinstance(rows, list):
        rows = [rows]
    return {row.get(key) for row in rows if isinstance(row, dict)}


def _check(actor: str, method: str, path: str, response, ours: dict) -> str | None:
    """Why this answer is a leak, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if actor == "anonymous":
        return None if status == 401 else f"anonymous got {status}"
    if "{" in path:
        # One of our objects, by id: it must not exist for them.
        return None if status == 404 else f"expected 404 on our object, got {status}"
    if status >= 400:
        return None
    data = response.json()
    resource = _resource(path)
    if method == "GET":
        key = {
            "today": "assignment",
            "adherence": "patient",
            "reminders": "patient",
            "reminder_deliveries": "patient",
            "questionnaires-due": "schedule",
        }.get(resource, "id")
        ours_of_kind = {
            "today": ours["assignments"],
            "plan": ours["assignments"],
        }.get(resource, ours.get(resource))
        # /me/language/ has no object of ours to list: the caller's own language only.
        if ours_of_kind is not None and ours_of_kind in _ids_in(data, key):
            return f"our {resource} {ours_of_kind} listed"
        return None
    # A write to a collection succeeded: only acceptable when it made their own object.
    if path in (
        "/api/v1/assignments/",
        "/api/v1/sessions/",
        "/api/v1/questionnaire-schedules/",
        "/api/v1/questionnaire-responses/",
    ):
        return f"{method} {path} accepted our ids"
    if path == "/api/v1/patients/" and data.get("physiotherapist") == ours["therapist"]:
        return "a patient was given our physiotherapist"
    return None


def _snapshot(world) -> str:
    """Everything the matrix could change of ours."""
    exercise, template = world["exercise"], world["template"]
    for row in (exercise, template, world["patient"], world["session"]):
        row.refresh_from_db()
    world["patient"].clinic.refresh_from_db()
    return json.dumps(
        [
            exercise.name,
            template.name,
            list(template.steps.values_list("id", "archived_at", "note")),
            world["patient"].first_name,
            world["patient"].language,
            world["patient"].clinic.language,
            world["patient"].assignments.count(),
            world["session"].finished_at is not None,
            Completion.objects.filter(session=world["session"]).count(),
            list(world["assignment"].outcome_schedules.values_list("id", flat=True)),
            list(world["patient"].questionnaire_responses.values_list("id", "score")),
            list(
                world["assignment"]
                .outcome_schedules.filter(postponements__isnull=False)
                .values_list("id", flat=True)
            ),
            list(ProgressionRule.objects.values_list("step_id", "frozen_on")),
        ],
        default=str,
    )


def test_access_matrix_leaks_nothing(
    client, world, ours, other_clinic_therapist, other_patient, therapist
):
    before = _snapshot(world)
    credentials = {
        "other_clinic_therapist": bearer(other_clinic_therapist.user),
        "other_patient": bearer(other_patient.user),
        "anonymous": {},
    }
    tried, leaks = 0, []
    for method, path in OPERATIONS:
        for actor in ACTORS:
            headers = {
                f"HTTP_{name.upper().replace('-', '_')}": value
                for name, value in credentials[actor].items()
            }
            response = client.generic(
                method,
                _url(path, ours),
                json.dumps(_body(method, path, ours)) if method != "GET" else "",
                content_type="application/json",
                **headers,
            )
            tried += 1
            reason = _check(actor, method, path, response, ours)
            if reason:
                leaks.append(f"{actor} {method} {path}: {reason}")
    assert leaks == []
    assert tried == len(OPERATIONS) * len(ACTORS)
    assert _snapshot(world) == before


def test_access_matrix_covers_every_operation_of_the_schema():
    """The matrix is built from the schema, so a new endpoint joins it by itself."""
    paths = {path for _method, path in OPERATIONS}
    assert len(OPERATIONS) == 68
    assert all(re.fullmatch(r"/api/v1/[a-z_/{}-]+/", path) for path in paths)
