"""Right of access: a patient's export holds all of their records and nothing of another's."""

import csv
import io
import json

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from patients.models import AssignmentPause, Completion, Session
from tests import factories
from tests.security.conftest import record_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, patient, other_patient, other_clinic_patient):
    """The patient's world plus a second plan with a pause, and others' records."""
    second = factories.make_assignment(patient)
    # A paused plan takes no new session: record it first, then pause the plan.
    record_session(second, pain=1, note="=cmd|' /C calc'!A0")
    AssignmentPause.objects.create(assignment=second, starts_on=second.starts_on)
    for someone in (other_patient, other_clinic_patient):
        record_session(factories.make_assignment(someone), note=f"{someone.first_name}'s secret")
    return patient


def _expected_ids(patient) -> dict[str, set]:
    return {
        "assignments": set(patient.assignments.values_list("pk", flat=True)),
        "sessions": set(Session.objects.filter(patient=patient).values_list("pk", flat=True)),
        "completions": set(Completion.objects.filter(patient=patient).values_list("pk", flat=True)),
    }


def test_patient_json_export_holds_all_their_records_and_nothing_of_others(
    client, history, other_patient
):
    client.force_login(history.user)
    response = client.get(reverse("my_data_export", args=["json"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    expected = _expected_ids(history)
    assert data["profile"]["id"] == history.pk
    assert data["profile"]["first_name"] == history.first_name
    for key in ("assignments", "sessions", "completions"):
        assert {row["id"] for row in data[key]} == expected[key], key
    steps = {step["id"] for a in data["assignments"] for step in a["routine"]["steps"]}
    own_steps = {step.pk for a in history.assignments.all() for step in a.routine.steps.all()}
    assert steps == own_steps
    assert sum(len(a["pauses"]) for a in data["assignments"]) == 1
    assert len(data["invitations"]) == 1
    notes = {session["note"] for session in data["sessions"]}
    assert "Sharp twinge in the left hip after the stairs" in notes
    body = response.content.decode()
    assert "secret" not in body
    assert other_patient.last_name not in body


def test_patient_csv_export_holds_the_same_records_with_formulas_neutralised(client, history):
    client.force_login(history.user)
    response = client.get(reverse("my_data_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    expected = _expected_ids(history)
    for record, key in (
        ("assignment", "assignments"),
        ("session", "sessions"),
        ("completion", "completions"),
    ):
        assert {int(row["id"]) for row in rows if row["record"] == record} == expected[key]
    notes = [row["value"] for row in rows if row["record"] == "session" and row["field"] == "note"]
    assert "'=cmd|' /C calc'!A0" in notes
    assert "secret" not in response.content.decode()


def test_clinic_admin_exports_one_patients_record(client, history, clinic_admin):
    client.force_login(clinic_admin.user)
    response = client.get(reverse("patient_record_export", args=[history.pk, "json"]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert {row["id"] for row in data["sessions"]} == _expected_ids(history)["sessions"]
    event = AuditEvent.objects.get(action="export")
    assert (event.patient_id, event.user_id) == (history.pk, clinic_admin.user.pk)


@pytest.mark.parametrize(
    "role", ["therapist", "colleague", "other_clinic_admin", "patient", "other_patient"]
)
def test_record_export_is_for_the_clinics_admins_only(client, request, history, role):
    user = request.getfixturevalue(role).user
    client.force_login(user)
    response = client.get(reverse("patient_record_export", args=[history.pk, "csv"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_record_export_needs_a_sign_in(client, history):
    response = client.get(reverse("patient_record_export", args=[history.pk, "json"]))
    assert response.status_code == 302
    response = client.get(reverse("my_data_export", args=["json"]))
    assert response.status_code == 302


def test_staff_have_no_own_patient_export(client, history, therapist):
    client.force_login(therapist.user)
    assert client.get(reverse("my_data_export", args=["json"])).status_code == 404


def test_unknown_export_format_is_not_found(client, history):
    client.force_login(history.user)
    assert client.get(reverse("my_data_export", args=["xml"])).status_code == 404


def test_export_query_count_does_not_grow_with_history(
    client, world, history, django_assert_max_num_queries
):
    for _ in range(20):
        record_session(world["assignment"])  # the plan that is not paused
    client.force_login(history.user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("my_data_export", args=["json"]))
    assert len(json.loads(response.content)["sessions"]) == 22
