"""Right of access: everything Limber holds about one patient, as JSON or CSV.

The same code serves the patient downloading their own data and a clinic admin exporting
one patient's record. Each query is filtered by the patient, so nothing of anyone else
can end up in it.
"""

import csv
import datetime
import decimal
import io
import json
import uuid
from typing import Any

from django.db.models import Prefetch

from clinic.spreadsheets import spreadsheet_safe
from patients.models import Assignment, Completion, Invitation, Patient, Session
from routines.models import RoutineStep


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _row(obj, fields: list[str]) -> dict[str, Any]:
    return {field: _plain(getattr(obj, field)) for field in fields}


PROFILE_FIELDS = ["id", "first_name", "last_name", "email", "created_at", "archived_at"]


ASSIGNMENT_FIELDS = [
    "id",
    "starts_on",
    "ends_on",
    "weekdays",
    "sessions_per_day",
    "created_at",
    "changed_at",
]


PAUSE_FIELDS = ["id", "starts_on", "ends_on", "created_at"]


STEP_FIELDS = [
    "id",
    "position",
    "hold_seconds",
    "repetitions",
    "rest_between_repetitions_seconds",
    "sets",
    "rest_between_sets_seconds",
    "sides",
    "note",
    "archived_at",
]


SESSION_FIELDS = [
    "id",
    "assignment_id",
    "local_date",
    "started_at",
    "finished_at",
    "pain",
    "effort",
    "note",
    "flagged",
]


COMPLETION_FIELDS = [
    "id",
    "client_id",
    "session_id",
    "step_id",
    "exercise_name",
    "side",
    "set_number",
    "status",
    "skip_reason",
    "recorded_at",
    "hold_seconds",
    "repetitions",
    "sides",
]


INVITATION_FIELDS = ["id", "created_at", "expires_at", "used_at", "revoked_at"]
RESPONSE_FIELDS = [
    "id",
    "due_on",
    "local_date",
    "answered_at",
    "answers",
    "score",
    "no_score_reason",
]


def patient_export_data(*, patient: Patient) -> dict[str, Any]:
    """The patient's profile, plans (with their routine steps and pauses), sessions,
    completions, invitations and questionnaire answers, as plain JSON-ready data."""
    patient = Patient.objects.select_related("clinic", "physiotherapist__user", "user").get(
        pk=patient.pk
    )
    steps = RoutineStep.objects.select_related("exercise").order_by("position", "id")
    assignments = (
        Assignment.objects.filter(patient=patient)
        .select_related("routine")
        .prefetch_related("pauses", Prefetch("routine__steps", queryset=steps))
        .order_by("starts_on", "id")
    )
    profile = _row(patient, PROFILE_FIELDS)
    profile.update(
        clinic=patient.clinic.name,
        physiotherapist=str(patient.physiotherapist) if patient.physiotherapist else None,
        username=patient.user.username if patient.user else None,
    )
    return {
        "profile": profile,
        "assignments": [
            {
                **_row(assignment, ASSIGNMENT_FIELDS),
                "routine": {
                    "id": assignment.routine.id,
                    "name": assignment.routine.name,
                    "goal": assignment.routine.goal,
                    "steps": [
                        {**_row(step, STEP_FIELDS), "exercise": step.exercise.name}
                        for step in assignment.routine.steps.all()
                    ],
                },
                "pauses": [_row(pause, PAUSE_FIELDS) for pause in assignment.pauses.all()],
            }
            for assignment in assignments
        ],
        "sessions": [
            _row(session, SESSION_FIELDS)
            for session in Session.objects.filter(patient=patient).order_by("started_at", "id")
        ],
        "completions": [
            _row(completion, COMPLETION_FIELDS)
            for completion in Completion.objects.filter(patient=patient).order_by(
                "recorded_at", "id"
            )
        ],
        "invitations": [
            _row(invitation, INVITATION_FIELDS)
            for invitation in Invitation.objects.filter(patient=patient).order_by("created_at")
        ],
        "questionnaire_responses": [
            {
                **_row(response, RESPONSE_FIELDS),
                "questionnaire": response.version.title,
                "version": response.version.version,
            }
            for response in patient.questionnaire_responses.select_related("version").order_by(
                "answered_at", "id"
            )
        ],
    }


def patient_export_json(*, patient: Patient) -> str:
    return json.dumps(patient_export_data(patient=patient), indent=2, ensure_ascii=False)


def _flatten(data: dict[str, Any]):
    """(record, id, field, value) rows: one per field of every record, nested ones named
    by their path (e.g. "assignment.routine.step")."""
    yield from (("profile", data["profile"]["id"], k, v) for k, v in data["profile"].items())
    for assignment in data["assignments"]:
        routine = assignment["routine"]
        for key, value in assignment.items():
            if key not in ("routine", "pauses"):
                yield ("assignment", assignment["id"], key, value)
        yield ("assignment", assignment["id"], "routine_id", routine["id"])
        yield ("routine", routine["id"], "name", routine["name"])
        yield ("routine", routine["id"], "goal", routine["goal"])
        for step in routine["steps"]:
            yield ("routine_step", step["id"], "routine_id", routine["id"])
            yield from (("routine_step", step["id"], k, v) for k, v in step.items())
        for pause in assignment["pauses"]:
            yield ("pause", pause["id"], "assignment_id", assignment["id"])
            yield from (("pause", pause["id"], k, v) for k, v in pause.items())
    for section, record in (
        ("session", "sessions"),
        ("completion", "completions"),
        ("invitation", "invitations"),
        ("questionnaire_response", "questionnaire_responses"),
    ):
        for row in data[record]:
            yield from ((section, row["id"], k, v) for k, v in row.items())


def patient_export_csv(*, patient: Patient) -> str:
    """The same data as the JSON export, one field per line: record, id, field, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record", "id", "field", "value"])
    for record, record_id, field, value in _flatten(patient_export_data(patient=patient)):
        if isinstance(value, dict):  # a questionnaire's answers, by link id
            value = json.dumps(value, ensure_ascii=False)
        writer.writerow([record, record_id, field, spreadsheet_safe(value)])
    return out.getvalue()
