"""The admin is a door like the others (issue 22): every add and change form of patients and
routines, walked as a clinic admin and as a physiotherapist, saves what the services save
(own copy, change notice, audit row) and refuses what the pages refuse, with a form error
and nothing saved."""

import datetime
from html.parser import HTMLParser

import pytest

from clinic.models import AuditEvent, StaffMember
from patients.models import Assignment, AssignmentPause, Invitation, Patient
from routines.models import Routine, RoutineStep
from tests import factories

pytestmark = pytest.mark.django_db


class _FormReader(HTMLParser):
    """What a browser would submit from the admin's main form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = self._first = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            checkable = attrs.get("type") in ("checkbox", "radio")
            self.data.setdefault(name, []).append(attrs.get("value", "on" if checkable else ""))
        elif tag == "select" and name:
            self._select, self._first = name, None
            self.data.setdefault(name, [])
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = attrs.get("value", "")
            if "selected" in attrs:
                self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += (
                data.lstrip("\n") if not self.data[self._textarea][0] else data
            )

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self.data[self._select] and self._first is not None:
                self.data[self._select] = [self._first]  # nothing selected: the first
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(client, url: str, **changes) -> dict:
    """The form at `url` as the browser would send it, with `changes` applied."""
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {name: values for name, values in reader.data.items() if name != "csrfmiddlewaretoken"}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [str(value)]
    return data


def post(client, url: str, data: dict):
    response = client.post(url, data)
    if response.status_code == 200 and response.context and "adminform" in response.context:
        # Shown when a test expecting a save fails: what the admin refused.
        response.errors = (
            response.context["adminform"].form.errors,
            [formset.formset.errors for formset in response.context["inline_admin_formsets"]],
            [
                formset.formset.non_form_errors()
                for formset in response.context["inline_admin_formsets"]
            ],
        )
    return response


@pytest.fixture(params=["clinic_admin", "physiotherapist"])
def staff(request, clinic):
    role = (
        StaffMember.Role.CLINIC_ADMIN
        if request.param == "clinic_admin"
        else StaffMember.Role.PHYSIOTHERAPIST
    )
    return factories.make_staff(clinic, role=role)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff.user)
    return client


def _audited(action: str, patient) -> bool:
    return AuditEvent.objects.filter(action=action, patient_id=patient.id).exists()


# Patients


def test_admin_patient_add_creates_through_the_service(admin_client, clinic, staff):
    url = "/admin/patients/patient/add/"
    data = form_of(admin_client, url, first_name="Dana", last_name="Lee", email="dana@example.org")
    data["physiotherapist"] = [str(staff.id)]
    response = post(admin_client, url, data)
    assert response.status_code == 302, getattr(response, "errors", None)
    patient = Patient.objects.get(first_name="Dana")
    assert patient.clinic == clinic
    assert patient.physiotherapist == staff
    assert _audited("create", patient)


def test_admin_patient_change_saves_through_the_service(admin_client, patient):
    url = f"/admin/patients/patient/{patient.id}/change/"
    response = post(admin_client, url, form_of(admin_client, url, email="new@example.org"))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.email == "new@example.org"
    assert _audited("change", patient)


def test_admin_patient_refuses_another_clinics_physiotherapist(
    admin_client, patient, other_clinic_therapist
):
    url = f"/admin/patients/patient/{patient.id}/change/"
    data = form_of(admin_client, url, physiotherapist=other_clinic_therapist.id)
    response = post(admin_client, url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    patient.refresh_from_db()
    assert patient.physiotherapist_id != other_clinic_therapist.id


def test_admin_patient_archive_action_goes_through_the_service(admin_client, patient):
    from patients.roster.services import invitation_create

    invitation, _token = invitation_create(patient=patient)
    response = admin_client.post(
        "/admin/patients/patient/",
        {"action": "archive", "_selected_action": [patient.id]},
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.archived_at is not None
    assert Invitation.objects.get(id=invitation.id).revoked_at is not None
    assert _audited("change", patient)


def test_admin_patient_plans_are_read_only_with_a_link_to_assign(admin_client, patient, assignment):
    response = admin_client.get(f"/admin/patients/patient/{patient.id}/change/")
    page = response.content.decode()
    assert "assignments-0-starts_on" not in page  # no editable plan rows
    assert f"/admin/patients/assignment/add/?patient={patient.id}" in page


# Assignments


ADD = "/admin/patients/assignment/add/"


def _assign_data(admin_client, patient, routine, **changes) -> dict:
    return form_of(
        admin_client,
        ADD,
        patient=patient.id,
        routine=routine.id,
        starts_on="2026-03-02",
        weekdays=127,
        sessions_per_day=1,
        **changes,
    )


def test_admin_assignment_add_gives_the_patient_their_own_copy(admin_client, patient, clinic):
    template = factories.make_routine(clinic, steps=2, name="Daily back care")
    response = post(admin_client, ADD, _assign_data(admin_client, patient, template))
    assert response.status_code == 302, getattr(response, "errors", None)
    plan = Assignment.objects.get(patient=patient)
    assert plan.routine != template
    assert plan.routine.copied_from == template
    assert not plan.routine.is_template
    assert plan.routine.steps.count() == 2
    assert _audited("create", patient)


def test_admin_assignment_add_of_a_builtin_template_copies_it(admin_client, patient, clinic):
    builtin = factories.make_routine(None, steps=1, name="Built in")
    response = post(admin_client, ADD, _assign_data(admin_client, patient, builtin))
    assert response.status_code == 302
    plan = Assignment.objects.get(patient=patient)
    assert plan.routine.clinic == clinic
    assert plan.routine.copied_from == builtin


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("empty", "routine", "no exercises yet"),
        ("another_patients", "routine", "another patient's plan"),
        ("end_before_start", "ends_on", "The end comes after the start"),
    ],
)
def test_admin_assignment_add_refuses_what_the_pages_refuse(
    admin_client, patient, other_patient, clinic, case, field, message
):
    routine = factories.make_routine(clinic, steps=2)
    changes = {}
    if case == "empty":
        routine = factories.make_routine(clinic, steps=0)
    elif case == "another_patients":
        routine = factories.make_assignment(other_patient).routine
    else:
        changes["ends_on"] = "2026-03-01"
    before = Assignment.objects.count(), Routine.objects.count()
    response = post(admin_client, ADD, _assign_data(admin_client, patient, routine, **changes))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert (Assignment.objects.count(), Routine.objects.count()) == before


def test_admin_assignment_change_leaves_the_patient_a_change_notice(admin_client, assignment):
    url = f"/admin/patients/assignment/{assignment.id}/change/"
    response = post(admin_client, url, form_of(admin_client, url, sessions_per_day=2))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.sessions_per_day == 2
    assert assignment.has_unseen_change
    assert "Your schedule changed." in assignment.change_lines()
    assert _audited("change", assignment.patient)


def test_admin_assignment_change_refuses_an_end_before_the_start(admin_client, assignment):
    url = f"/admin/patients/assignment/{assignment.id}/change/"
    earlier = assignment.starts_on - datetime.timedelta(days=1)
    response = post(admin_client, url, form_of(admin_client, url, ends_on=earlier.isoformat()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assignment.refresh_from_db()
    assert assignment.ends_on is None
    assert not assignment.has_unseen_change


def test_admin_assignment_change_cannot_repoint_the_plan(admin_client, assignment, clinic):
    template = factories.make_routine(clinic)
    url = f"/admin/patients/assignment/{assignment.id}/change/"
    original = assignment.routine_id
    post(admin_client, url, form_of(admin_client, url, routine=template.id))
    assignment.refresh_from_db()
    assert assignment.routine_id == original


def test_admin_assignment_pause_and_resume_go_through_the_services(admin_client, assignment):
    changelist = "/admin/patients/assignment/"
    admin_client.post(changelist, {"action": "pause", "_selected_action": [assignment.id]})
    assert AssignmentPause.objects.filter(assignment=assignment, ends_on__isnull=True).count() == 1
    # A second pause would overlap the open one: refused with a message, nothing saved.
    response = admin_client.post(
        changelist, {"action": "pause", "_selected_action": [assignment.id]}, follow=True
    )
    assert "already paused" in response.content.decode()
    assert AssignmentPause.objects.filter(assignment=assignment).count() == 1
    admin_client.post(changelist, {"action": "resume", "_selected_action": [assignment.id]})
    assert not AssignmentPause.objects.filter(assignment=assignment, ends_on__isnull=True).exists()
    assert _audited("change", assignment.patient)


def test_admin_assignment_pauses_are_read_only(admin_client, assignment):
    response = admin_client.get(f"/admin/patients/assignment/{assignment.id}/change/")
    assert "pauses-0-starts_on" not in response.content.decode()
    assert "pauses-__prefix__-starts_on" not in response.content.decode()


# Routines


def test_admin_routine_add_with_steps_goes_through_the_services(admin_client, clinic):
    exercise = factories.make_exercise(clinic, name="Child's pose", default_hold_seconds=30)
    url = "/admin/routines/routine/add/"
    data = form_of(admin_client, url, name="Evening", goal="Unwind")
    data.update(
        {
            "clinic": [str(clinic.id)],
            "steps-TOTAL_FORMS": ["1"],
            "steps-0-order": ["1"],
            "steps-0-exercise": [str(exercise.id)],
            "steps-0-hold_seconds": ["25"],
            "steps-0-repetitions": ["2"],
            "steps-0-sets": ["1"],
            "steps-0-sides": ["both"],
            "steps-0-rest_between_repetitions_seconds": ["5"],
            "steps-0-rest_between_sets_seconds": ["0"],
            "steps-0-note": [""],
        }
    )
    response = post(admin_client, url, data)
    assert response.status_code == 302, getattr(response, "errors", None)
    routine = Routine.objects.get(name="Evening")
    assert [(s.exercise, s.hold_seconds, s.position) for s in routine.steps.all()] == [
        (exercise, 25, 1)
    ]


def _step_rows(data) -> dict[int, str]:
    """Row index by step id."""
    return {
        int(values[0]): name.split("-")[1]
        for name, values in data.items()
        if name.startswith("steps-") and name.endswith("-id") and values and values[0]
    }


def test_admin_editing_a_running_plan_leaves_the_builders_notice(admin_client, assignment):
    routine = assignment.routine
    first, second, third = routine.steps.order_by("position")
    # The first step was done once: removing it archives it, history stays.
    session = factories.make_finished_session(assignment)
    url = f"/admin/routines/routine/{routine.id}/change/"
    data = form_of(admin_client, url)
    rows = _step_rows(data)
    data[f"steps-{rows[second.id]}-hold_seconds"] = ["45"]
    data[f"steps-{rows[third.id]}-order"] = ["0"]  # third moves to the top
    data[f"steps-{rows[first.id]}-DELETE"] = ["on"]
    response = post(admin_client, url, data)
    assert response.status_code == 302, getattr(response, "errors", None)
    active = list(routine.steps.filter(archived_at__isnull=True).order_by("position"))
    assert [step.id for step in active] == [third.id, second.id]
    assert active[1].hold_seconds == 45
    first.refresh_from_db()
    assert first.archived_at is not None
    assert first.completions.exists()
    assert session.completions.count() > 0
    assignment.refresh_from_db()
    lines = " ".join(assignment.change_lines())
    assert "Removed:" in lines
    assert "now hold 45 s" in lines.lower()
    assert "order" in lines


def test_admin_routine_refuses_making_a_plan_a_template(admin_client, assignment):
    url = f"/admin/routines/routine/{assignment.routine_id}/change/"
    response = post(admin_client, url, form_of(admin_client, url, is_template="on"))
    assert response.status_code == 200
    assert "is_template" in response.context["adminform"].form.errors
    assert not Routine.objects.get(id=assignment.routine_id).is_template


def test_admin_routine_step_keeps_its_exercise(admin_client, assignment, clinic):
    other = factories.make_exercise(clinic, name="Other")
    routine = assignment.routine
    step = routine.steps.order_by("position").first()
    url = f"/admin/routines/routine/{routine.id}/change/"
    data = form_of(admin_client, url)
    data[f"steps-{_step_rows(data)[step.id]}-exercise"] = [str(other.id)]
    response = post(admin_client, url, data)
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.exercise_id != other.id
    assert RoutineStep.objects.filter(routine=routine, exercise=other).count() == 0
