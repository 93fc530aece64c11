"""Inputs at the edges answer a clear 4xx and store nothing: dates at the ends of the
calendar, JSON nested too deep, a completion id re-sent for another set, text that is not
UTF-8 or hides control characters, plans in year 1 or 9999."""

import datetime
import uuid
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients.models import Assignment, Completion, Patient
from patients.sessions.services import session_start
from routines.models import Exercise, Routine
from tests import factories

pytestmark = pytest.mark.django_db

EDGES = ["0001-01-01", "9999-12-31"]
DEEP_JSON = "[" * 100_000 + "]" * 100_000
FORM = "application/x-www-form-urlencoded"


def _schedule(**overrides) -> dict:
    return {
        "starts_on": "2026-12-01",
        "ends_on": "",
        "weeks": "",
        "weekdays": ["0", "2", "4"],
        "sessions_per_day": "1",
        **overrides,
    }


# Item 4: five requests that answered 500.


@pytest.mark.parametrize("weeks", ["1", "104"])
def test_schedule_form_with_a_start_at_the_end_of_the_calendar_is_400(
    client, therapist, assignment, weeks
):
    client.force_login(therapist.user)
    url = reverse("staff:assignment_schedule", args=[assignment.id])
    response = client.post(url, _schedule(starts_on="9999-12-31", weeks=weeks))
    assert response.status_code == 400
    assert "Choose a date from" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.starts_on != datetime.date(9999, 12, 31)


def test_schedule_form_refuses_weeks_that_end_after_the_range(client, therapist, assignment):
    client.force_login(therapist.user)
    url = reverse("staff:assignment_schedule", args=[assignment.id])
    response = client.post(url, _schedule(starts_on="2099-06-01", weeks="104"))
    assert response.status_code == 400
    assert "weeks" in response.context["form"].errors


@pytest.mark.parametrize("name", ["audit_trail", "audit_trail_csv"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("edge", EDGES)
def test_audit_trail_date_filter_at_the_calendar_edges_is_400(
    client, clinic_admin, name, field, edge
):
    client.force_login(clinic_admin.user)
    response = client.get(reverse(name), {field: edge})
    assert response.status_code == 400
    assert "Choose a date from" in response.content.decode()


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("edge", EDGES)
def test_adherence_api_period_at_the_calendar_edges_is_400(client, therapist, patient, field, edge):
    client.force_login(therapist.user)
    response = client.get(f"/api/v1/adherence/{patient.id}/", {field: edge})
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_api_json_nested_too_deep_is_400(client, therapist):
    client.force_login(therapist.user)
    response = client.post("/api/v1/patients/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Patient.objects.filter(clinic=therapist.clinic, first_name="").exists()


def test_session_page_done_resent_for_another_side_is_409(client, patient, assignment):
    session = session_start(assignment=assignment)
    step = assignment.routine.steps.first()
    client.force_login(patient.user)
    url = reverse("patients:session_complete", args=[session.id])
    done = {
        "client_id": str(uuid.uuid4()),
        "step": step.id,
        "set_number": 1,
        "side": "both",
        "status": "done",
    }
    assert client.post(url, done).status_code == 302
    response = client.post(url, {**done, "side": "left"})
    assert response.status_code == 409
    assert "This id was already used for a different record." in response.content.decode()
    assert Completion.objects.get().side == "both"


# Item 7: bad text and out-of-range plan dates are refused with a field error.


def _raw_form(fields: dict[str, str], bad_field: str) -> bytes:
    """A form body with `bad_field` holding bytes that are not UTF-8, sent raw as some
    clients do (Django alone would read the whole body as Latin-1)."""
    parts = [f"{quote(name)}={quote(value)}".encode() for name, value in fields.items() if name]
    parts.append(f"{quote(bad_field)}=Raw".encode() + b"\xff\xfe")
    return b"&".join(parts)


@pytest.fixture
def text_pages(therapist, patient, assignment):
    """Each page that stores typed text: its URL, the other fields it needs, its text fields
    and where the text would land."""
    routine = factories.make_routine(therapist.clinic, name="Hips")
    step = routine.steps.first()
    exercise = {
        "name_en": "Cat-cow",
        "body_region": "lower_back",
        "kind": "stretch",
        "instructions_en": "Slowly.",
        "cues_en": "",
        "cautions_en": "",
        "default_hold_seconds": "20",
        "default_repetitions": "1",
        "default_sets": "1",
        "default_sides": "both",
        "video_url": "",
    }
    session = session_start(assignment=assignment)
    factories.record_every_step(session)
    step_form = {
        "hold_seconds": "20",
        "repetitions": "1",
        "sets": "1",
        "sides": "both",
        "rest_between_repetitions_seconds": "0",
        "rest_between_sets_seconds": "0",
        "note": "",
    }
    patient_form = {"first_name": "Nina", "last_name": "Berg", "email": ""}
    patient_form["physiotherapist"] = str(therapist.id)
    return [
        (reverse("staff:patient_create"), patient_form, ["first_name", "last_name"]),
        (
            reverse("staff:patient_update", args=[patient.id]),
            patient_form,
            ["first_name", "last_name"],
        ),
        (
            reverse("routines:exercise_create"),
            exercise,
            ["name_en", "instructions_en", "cues_en", "cautions_en", "name_fr_ca"],
        ),
        (reverse("routines:routine_create"), {"name": "Knees", "goal": ""}, ["name", "goal"]),
        (
            reverse("routines:routine_update", args=[routine.id]),
            {"name": "Knees", "goal": ""},
            ["name", "goal"],
        ),
        (reverse("routines:step_update", args=[routine.id, step.id]), step_form, ["note"]),
        (reverse("patients:session_finish", args=[session.id]), {"pain": "2"}, ["note"]),
    ]


def _stored_texts() -> str:
    """Every text the pages above could have stored, in one string."""
    values = []
    for model, fields in [
        (Patient, ["first_name", "last_name"]),
        (Exercise, ["name", "instructions", "cues", "cautions"]),
        (Routine, ["name", "goal"]),
    ]:
        values += [str(value) for row in model.objects.values_list(*fields) for value in row]
    from patients.models import Session
    from routines.models import RoutineStep

    values += RoutineStep.objects.values_list("note", flat=True)
    values += Session.objects.values_list("note", flat=True)
    return "\n".join(values)


def test_form_text_that_is_not_utf8_is_refused_on_every_page(
    client, therapist, patient, text_pages
):
    for url, fields, text_fields in text_pages:
        for field in text_fields:
            user = patient.user if "/sessions/" in url else therapist.user
            client.force_login(user)
            body = _raw_form({k: v for k, v in fields.items() if k != field}, field)
            response = client.post(url, body, content_type=FORM)
            assert response.status_code == 400, (url, field, response.status_code)
            assert "could not be read" in response.content.decode(), (url, field)
            assert "Raw\u00ff\u00fe" not in _stored_texts(), (url, field)


def test_form_text_with_percent_encoded_bytes_that_are_not_utf8_is_refused(client, therapist):
    client.force_login(therapist.user)
    body = f"name=Raw%FF%FE&goal=&physiotherapist={therapist.id}"
    response = client.post(reverse("routines:routine_create"), body, content_type=FORM)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Routine.objects.filter(name__startswith="Raw").exists()


def test_form_with_valid_utf8_is_still_read_as_utf8(client, therapist):
    client.force_login(therapist.user)
    body = "name=" + quote("Rückenschule – Ōsaka") + "&goal="
    response = client.post(reverse("routines:routine_create"), body, content_type=FORM)
    assert response.status_code == 302
    assert Routine.objects.filter(name="Rückenschule – Ōsaka").exists()


@pytest.mark.parametrize(
    "name",
    ["Eve\u202egnp.exe", "Eve\u2066x\u2069", "Eve\u200f", "Eve\x07", "Eve\nMallory", "Eve\x1b[31m"],
)
def test_patient_name_with_control_or_direction_characters_is_refused(client, therapist, name):
    client.force_login(therapist.user)
    data = {"first_name": name, "last_name": "Berg", "physiotherapist": therapist.id}
    response = client.post(reverse("staff:patient_create"), data)
    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors
    assert not Patient.objects.filter(last_name="Berg").exists()


def test_patient_name_with_control_characters_is_refused_by_the_api(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        "/api/v1/patients/",
        {"first_name": "Eve\u202e", "last_name": "Berg"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "first_name" in response.json()["fields"]


def test_session_note_keeps_its_line_breaks(client, patient, assignment):
    session = session_start(assignment=assignment)
    factories.record_every_step(session)
    client.force_login(patient.user)
    note = "Left hip:\r\n\ttight after the stairs"
    url = reverse("patients:session_finish", args=[session.id])
    assert client.post(url, {"pain": "2", "note": note}).status_code == 302
    session.refresh_from_db()
    assert session.note == note.replace("\r\n", "\n") or session.note == note


@pytest.mark.parametrize("edge", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_plan_dates_outside_the_range_are_refused_on_page_api_and_admin(
    client, therapist, patient, superuser, edge
):
    template = factories.make_routine(therapist.clinic, is_template=True)
    client.force_login(therapist.user)
    page = client.post(
        reverse("staff:assign_patient", args=[patient.id]),
        {**_schedule(starts_on=edge), "routine": template.id},
    )
    assert page.status_code == 400
    assert "starts_on" in page.context["form"].errors
    api = client.post(
        "/api/v1/assignments/",
        {
            "patient": patient.id,
            "routine": template.id,
            "starts_on": edge,
            "weekdays": 127,
            "sessions_per_day": 1,
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "starts_on" in api.json()["fields"]
    # The admin's form validates through the model (full_clean), as the services do.
    with pytest.raises(ValidationError) as refused:
        Assignment(
            patient=patient, routine=template, starts_on=datetime.date.fromisoformat(edge)
        ).full_clean()
    assert "starts_on" in refused.value.error_dict
    assert not Assignment.objects.filter(patient=patient, routine=template).exists()
