"""Every staff workspace page and action × every role.

Staff see and change their own clinic's things (a colleague and the clinic admin as much as
the owner); another clinic's physiotherapist, patients and strangers never: 404, or the
sign-in page for the anonymous. Staff management is for clinic admins only.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

ROLES = [
    "therapist",
    "colleague",
    "clinic_admin",
    "other_clinic_therapist",
    "patient",
    "other_patient",
    "anonymous",
]

STEP = {
    "hold_seconds": "30",
    "repetitions": "1",
    "sets": "1",
    "sides": "both",
    "rest_between_repetitions_seconds": "0",
    "rest_between_sets_seconds": "10",
    "note": "",
}
SCHEDULE = {"starts_on": "2026-12-01", "weekdays": ["0", "2", "4"], "sessions_per_day": "1"}
EXERCISE = {
    "name_en": "Wall slide",
    "body_region": "shoulders",
    "kind": "mobility",
    "instructions_en": "Slide the arms up the wall.",
    "default_hold_seconds": "5",
    "default_repetitions": "10",
    "default_sets": "2",
    "default_sides": "both",
}

# (name, method, url, data, who may): "clinic" = any staff (a list or a create form in
# their own clinic), "object" = staff of the object's clinic, "admin" = that clinic's admins.
CASES = [
    ("library", "get", lambda t: reverse("routines:exercise_list"), None, "clinic"),
    ("exercise new", "get", lambda t: reverse("routines:exercise_create"), None, "clinic"),
    ("exercise create", "post", lambda t: reverse("routines:exercise_create"), EXERCISE, "clinic"),
    (
        "exercise",
        "get",
        lambda t: reverse("routines:exercise_detail", args=[t.exercise.id]),
        None,
        "object",
    ),
    (
        "exercise edit",
        "get",
        lambda t: reverse("routines:exercise_update", args=[t.exercise.id]),
        None,
        "object",
    ),
    (
        "exercise save",
        "post",
        lambda t: reverse("routines:exercise_update", args=[t.exercise.id]),
        EXERCISE,
        "object",
    ),
    ("routines", "get", lambda t: reverse("routines:routine_list"), None, "clinic"),
    ("routine new", "get", lambda t: reverse("routines:routine_create"), None, "clinic"),
    (
        "routine create",
        "post",
        lambda t: reverse("routines:routine_create"),
        {"name": "R"},
        "clinic",
    ),
    ("builder", "get", lambda t: reverse("routines:builder", args=[t.routine.id]), None, "object"),
    (
        "routine save",
        "post",
        lambda t: reverse("routines:routine_update", args=[t.routine.id]),
        {"name": "Renamed"},
        "object",
    ),
    (
        "builder one form",
        "post",
        lambda t: reverse("routines:routine_save", args=[t.routine.id]),
        lambda t: {
            "name": "Renamed",
            "goal": "",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-0-id": str(t.step.id),
            "steps-0-exercise": str(t.step.exercise_id),
            "steps-0-hold_seconds": "25",
            "steps-0-repetitions": "1",
            "steps-0-sets": "1",
            "steps-0-sides": "both",
            "steps-0-rest_between_repetitions_seconds": "0",
            "steps-0-rest_between_sets_seconds": "5",
            "steps-0-note": "",
        },
        "object",
    ),
    (
        "step search",
        "get",
        lambda t: reverse("routines:step_search", args=[t.routine.id]),
        {"q": "knee"},
        "object",
    ),
    (
        "step add",
        "post",
        lambda t: reverse("routines:step_add", args=[t.routine.id]),
        lambda t: {"exercise": t.exercise.id},
        "object",
    ),
    (
        "step save",
        "post",
        lambda t: reverse("routines:step_update", args=[t.routine.id, t.step.id]),
        STEP,
        "object",
    ),
    (
        "step move",
        "post",
        lambda t: reverse("routines:step_move", args=[t.routine.id, t.step.id]),
        {"direction": "down"},
        "object",
    ),
    (
        "step remove",
        "post",
        lambda t: reverse("routines:step_remove", args=[t.routine.id, t.step.id]),
        {},
        "object",
    ),
    (
        "duplicate",
        "post",
        lambda t: reverse("routines:duplicate", args=[t.routine.id]),
        {},
        "object",
    ),
    (
        "as template",
        "post",
        lambda t: reverse("routines:template", args=[t.routine.id]),
        {},
        "object",
    ),
    ("preview", "get", lambda t: reverse("routines:preview", args=[t.routine.id]), None, "object"),
    ("handout", "get", lambda t: reverse("routines:handout", args=[t.routine.id]), None, "object"),
    ("roster", "get", lambda t: reverse("staff:patient_list"), None, "clinic"),
    ("patient new", "get", lambda t: reverse("staff:patient_create"), None, "clinic"),
    (
        "patient create",
        "post",
        lambda t: reverse("staff:patient_create"),
        {"first_name": "New", "last_name": "Patient"},
        "clinic",
    ),
    (
        "patient",
        "get",
        lambda t: reverse("staff:patient_detail", args=[t.patient.id]),
        None,
        "object",
    ),
    (
        "patient edit",
        "get",
        lambda t: reverse("staff:patient_update", args=[t.patient.id]),
        None,
        "object",
    ),
    (
        "patient save",
        "post",
        lambda t: reverse("staff:patient_update", args=[t.patient.id]),
        {"first_name": "Changed", "last_name": "Patient"},
        "object",
    ),
    (
        "archive",
        "post",
        lambda t: reverse("staff:patient_archive", args=[t.patient.id]),
        {},
        "object",
    ),
    (
        "restore",
        "post",
        lambda t: reverse("staff:patient_restore", args=[t.patient.id]),
        {},
        "object",
    ),
    (
        "invite",
        "post",
        lambda t: reverse("staff:patient_invite", args=[t.patient.id]),
        {},
        "object",
    ),
    (
        "revoke",
        "post",
        lambda t: reverse("staff:patient_revoke", args=[t.patient.id]),
        {},
        "object",
    ),
    (
        "assign form",
        "get",
        lambda t: reverse("staff:assign_patient", args=[t.patient.id]),
        None,
        "object",
    ),
    (
        "assign",
        "post",
        lambda t: reverse("staff:assign_patient", args=[t.patient.id]),
        lambda t: {**SCHEDULE, "routine": t.routine.id},
        "object",
    ),
    (
        "assign routine form",
        "get",
        lambda t: reverse("staff:assign_routine", args=[t.routine.id]),
        None,
        "object",
    ),
    (
        "assign routine",
        "post",
        lambda t: reverse("staff:assign_routine", args=[t.routine.id]),
        lambda t: {**SCHEDULE, "patient": t.patient.id},
        "object",
    ),
    (
        "schedule form",
        "get",
        lambda t: reverse("staff:assignment_schedule", args=[t.assignment.id]),
        None,
        "object",
    ),
    (
        "schedule",
        "post",
        lambda t: reverse("staff:assignment_schedule", args=[t.assignment.id]),
        lambda t: {**SCHEDULE, "starts_on": str(t.assignment.starts_on)},
        "object",
    ),
    (
        "pause",
        "post",
        lambda t: reverse("staff:assignment_pause", args=[t.assignment.id]),
        {},
        "object",
    ),
    (
        "resume",
        "post",
        lambda t: reverse("staff:assignment_resume", args=[t.assignment.id]),
        {},
        "object",
    ),
    (
        "end",
        "post",
        lambda t: reverse("staff:assignment_end", args=[t.assignment.id]),
        {},
        "object",
    ),
    (
        "plan handout",
        "get",
        lambda t: reverse("staff:assignment_handout", args=[t.assignment.id]),
        None,
        "object",
    ),
    ("staff list", "get", lambda t: reverse("team:staff_list"), None, "admin"),
    (
        "clinic contact",
        "post",
        lambda t: reverse("team:clinic_contact"),
        {"address": "1 Main Street", "phone": "+31 20 123 4567"},
        "admin",
    ),
    ("staff new", "get", lambda t: reverse("team:staff_create"), None, "admin"),
    (
        "staff create",
        "post",
        lambda t: reverse("team:staff_create"),
        {
            "first_name": "R",
            "last_name": "J",
            "email": "r@example.com",
            "username": "rj",
            "role": "physio",
        },
        "admin",
    ),
    (
        "deactivate",
        "post",
        lambda t: reverse("team:staff_deactivate", args=[t.member.id]),
        {},
        "admin",
    ),
    (
        "reactivate",
        "post",
        lambda t: reverse("team:staff_reactivate", args=[t.member.id]),
        {},
        "admin",
    ),
]


@pytest.fixture
def things(clinic, therapist, patient, assignment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    routine = factories.make_routine(clinic, steps=2, is_template=True)
    return SimpleNamespace(
        exercise=factories.make_exercise(clinic),
        routine=routine,
        step=routine.steps.first(),
        patient=patient,
        assignment=assignment,
        member=factories.make_staff(clinic),
    )


def allowed(role: str, scope: str) -> bool:
    if role in ("patient", "other_patient", "anonymous"):
        return False
    if scope == "admin":
        return role == "clinic_admin"
    if scope == "object":
        return role != "other_clinic_therapist"
    return True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "scope"), CASES, ids=[c[0] for c in CASES]
)
def test_staff_workspace_access(client, request, things, role, name, method, url, data, scope):
    if role != "anonymous":
        member_or_patient = request.getfixturevalue(role)
        client.force_login(member_or_patient.user)
    data = data(things) if callable(data) else data
    response = getattr(client, method)(url(things), data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif allowed(role, scope):
        assert response.status_code in (200, 302), response.content.decode()[:2000]
        if response.status_code == 302:
            assert not response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 404
