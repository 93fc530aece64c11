"""The Django admin is a staff tool scoped to the staff member's own clinic."""

import datetime
import json

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from clinic.audit.admin import AuditedAdminMixin
from clinic.models import AuditEvent, Clinic, StaffMember, User
from patients.models import (
    Assignment,
    AssignmentPause,
    AttentionReview,
    Completion,
    Invitation,
    Patient,
    PlanGates,  # noqa: E402
    Session,
)
from patients.outcomes.models import Questionnaire, Response
from patients.outcomes.services import questionnaire_import
from patients.reminders.models import (
    ClinicReminderDefaults,
    Delivery,
    PushSubscription,
    ReminderSettings,
)
from routines.models import Exercise, Routine, RoutineStep
from routines.progression.models import ClinicGates, ProgressionRule  # noqa: E402
from tests import factories

# A clinic's own questionnaire, as imported from FHIR.
QUESTIONNAIRE = {
    "resourceType": "Questionnaire",
    "name": "ClinicScale",
    "title": "Clinic scale",
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

pytestmark = pytest.mark.django_db


def clinic_world(clinic: Clinic) -> dict:
    """One of everything the admin shows, in `clinic`."""
    member = factories.make_staff(clinic)
    patient = factories.make_patient(clinic, member)
    assignment = factories.make_assignment(patient)
    session = factories.make_finished_session(assignment)
    pause = AssignmentPause.objects.create(
        assignment=assignment, starts_on=clinic.today(), ends_on=clinic.today()
    )
    invitation = Invitation.objects.create(
        patient=patient,
        token_hash=f"{clinic.pk:064d}",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    version = questionnaire_import(clinic=clinic, resource=QUESTIONNAIRE)
    response = Response.objects.create(
        patient=patient,
        version=version,
        local_date=clinic.today(),
        answered_at=timezone.now(),
        answers={"q1": 2},
        score=2,
    )
    return {
        Clinic: clinic,
        StaffMember: member,
        User: patient.user,
        Patient: patient,
        Exercise: assignment.routine.steps.first().exercise,
        Routine: assignment.routine,
        RoutineStep: assignment.routine.steps.first(),
        Assignment: assignment,
        AssignmentPause: pause,
        Invitation: invitation,
        Session: session,
        Completion: session.completions.first(),
        AttentionReview: AttentionReview.objects.create(
            patient=patient,
            reviewed_by=member.user,
            reviewed_at=timezone.now(),
            reviewed_on=clinic.today(),
            reasons="pain_high",
            last_session=session,
        ),
        AuditEvent: AuditEvent.objects.create(clinic=clinic, patient=patient, action="view"),
        ClinicReminderDefaults: ClinicReminderDefaults.objects.create(
            clinic=clinic, times=["08:00"]
        ),
        ReminderSettings: ReminderSettings.objects.create(patient=patient, times=["08:00"]),
        Delivery: Delivery.objects.create(
            patient=patient,
            local_date=clinic.today(),
            slot="08:00",
            channel="email",
            kind="scheduled",
            due_at=timezone.now(),
            next_attempt_at=timezone.now(),
        ),
        PushSubscription: PushSubscription.objects.create(
            patient=patient,
            endpoint=f"https://fcm.googleapis.com/fcm/send/{clinic.pk}",
            p256dh="x",
            auth="y",
        ),
        Questionnaire: version.questionnaire,
        Response: response,
        # Progression (issue 19): a rule on the plan's step, the clinic's and the plan's gates.
        ProgressionRule: ProgressionRule.objects.create(
            step=assignment.routine.steps.first(), field="hold_seconds", amount=5, ceiling=40
        ),
        ClinicGates: ClinicGates.objects.create(clinic=clinic),
        PlanGates: PlanGates.objects.create(
            assignment=assignment, min_adherence_percent=70, pain_threshold=6
        ),
    }


@pytest.fixture
def theirs(other_clinic):
    return clinic_world(other_clinic)


@pytest.fixture
def ours(clinic):
    return clinic_world(clinic)


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


# API keys belong to a person, not a clinic: tests/api/test_tokens.py covers their admin.
# django-axes' lockout records and django-q2's task queue are the operator's (Django
# permissions, no clinic).
REGISTERED = [
    model
    for model in admin.site._registry
    if model._meta.app_label not in ("auth", "axes", "apitokens", "django_q")
]


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_changelist_shows_nothing_of_another_clinic(client, request, role, model, ours, theirs):
    client.force_login(request.getfixturevalue(role).user)
    response = client.get(admin_url(model, "changelist"))
    if response.status_code == 403:
        assert role == "therapist"  # staff and clinic settings are for clinic admins
        return
    assert response.status_code == 200
    shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
    assert theirs[model].pk not in shown
    assert ours[model].pk in shown


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_change_page_of_another_clinic_is_not_found(client, request, role, model, theirs):
    client.force_login(request.getfixturevalue(role).user)
    response = client.get(admin_url(model, "change", theirs[model].pk))
    # The admin answers an object outside the queryset with a redirect to its index and a
    # "doesn't exist" message; a role without access to the model gets 403.
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    for action in ("delete", "history"):
        response = client.get(admin_url(model, action, theirs[model].pk))
        assert response.status_code in (302, 403, 404)


def test_changing_another_clinics_object_by_post_changes_nothing(client, clinic_admin, theirs):
    client.force_login(clinic_admin.user)
    exercise = theirs[Exercise]
    client.post(
        admin_url(Exercise, "change", exercise.pk),
        {"name": "Hijacked", "body_region": "neck", "instructions": "x"},
    )
    exercise.refresh_from_db()
    assert exercise.name != "Hijacked"


def test_exercise_autocomplete_offers_own_and_builtin_only(client, therapist, ours, theirs):
    client.force_login(therapist.user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "routines",
            "model_name": "routinestep",
            "field_name": "exercise",
            "term": "",
        },
    )
    assert response.status_code == 200
    ids = {int(item["id"]) for item in json.loads(response.content)["results"]}
    assert ours[Exercise].pk in ids
    assert theirs[Exercise].pk not in ids
    assert Exercise.objects.filter(clinic=None, pk__in=ids).count() == 4


@pytest.mark.parametrize(
    ("app_model", "field_name", "model"),
    [
        ("patients.assignment", "patient", Patient),
        ("patients.assignment", "routine", Routine),
        ("patients.patient", "user", User),
        ("clinic.staffmember", "user", User),
    ],
)
def test_autocomplete_never_offers_another_clinics_objects(
    client, clinic_admin, ours, theirs, app_model, field_name, model
):
    client.force_login(clinic_admin.user)
    app_label, model_name = app_model.split(".")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    ids = {int(item["id"]) for item in json.loads(response.content)["results"]}
    assert theirs[model].pk not in ids


@pytest.mark.parametrize(
    ("model", "field", "related"),
    [
        (Exercise, "clinic", Clinic),
        (Routine, "clinic", Clinic),
        (Patient, "clinic", Clinic),
        (Patient, "physiotherapist", StaffMember),
    ],
)
def test_add_form_choices_are_scoped(client, clinic_admin, ours, theirs, model, field, related):
    client.force_login(clinic_admin.user)
    response = client.get(admin_url(model, "add"))
    assert response.status_code == 200
    choices = set(response.context["adminform"].form.fields[field].queryset)
    assert theirs[related] not in choices
    assert ours[related] in choices


def test_routine_step_inline_exercise_choices_are_scoped(client, therapist, ours, theirs):
    client.force_login(therapist.user)
    response = client.get(admin_url(Routine, "change", ours[Routine].pk))
    formset = response.context["inline_admin_formsets"][0].formset
    choices = set(formset.forms[0].fields["exercise"].queryset)
    assert theirs[Exercise] not in choices
    assert ours[Exercise] in choices


def test_staff_cannot_create_an_object_in_another_clinic(client, therapist, other_clinic):
    client.force_login(therapist.user)
    response = client.post(
        admin_url(Exercise, "add"),
        {
            "clinic": other_clinic.pk,
            "name": "Planted",
            "body_region": "neck",
            "kind": "stretch",
            "instructions": "x",
            "default_hold_seconds": 20,
            "default_repetitions": 1,
            "default_sets": 1,
            "default_sides": "both",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "clinic" in response.context["adminform"].form.errors
    assert not Exercise.objects.filter(name="Planted").exists()


def test_superuser_sees_every_clinic(client, superuser, ours, theirs):
    client.force_login(superuser)
    response = client.get(admin_url(Patient, "changelist"))
    shown = set(response.context["cl"].queryset)
    assert {ours[Patient], theirs[Patient]} <= shown


def test_builtin_exercises_are_read_only_for_clinic_staff(client, clinic_admin):
    builtin = Exercise.objects.get(clinic=None, name="Knees to chest")
    client.force_login(clinic_admin.user)

    page = client.get(admin_url(Exercise, "change", builtin.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]

    client.post(
        admin_url(Exercise, "change", builtin.pk),
        {"name": "Mine now", "body_region": "neck", "instructions": "x"},
    )
    assert (
        client.post(admin_url(Exercise, "delete", builtin.pk), {"post": "yes"}).status_code == 403
    )
    builtin.refresh_from_db()
    assert builtin.name == "Knees to chest"


def test_exercise_changelist_searches_and_filters(client, therapist):
    client.force_login(therapist.user)
    response = client.get(admin_url(Exercise, "changelist"), {"q": "child"})
    assert [e.name for e in response.context["cl"].result_list] == ["Child's pose"]
    response = client.get(admin_url(Exercise, "changelist"), {"body_region__exact": "legs"})
    assert [e.name for e in response.context["cl"].result_list] == ["Standing forward bend"]


def test_physiotherapist_cannot_manage_staff(client, therapist, colleague):
    client.force_login(therapist.user)
    assert client.get(admin_url(StaffMember, "changelist")).status_code == 403
    assert client.get(admin_url(StaffMember, "add")).status_code == 403


def test_clinic_admin_adds_a_staff_member_to_their_clinic(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    response = client.post(
        admin_url(StaffMember, "add"),
        {
            "username": "newphysio",
            "first_name": "Nora",
            "last_name": "New",
            "email": "nora@example.com",
            "password": "a-long-enough-password",
            "clinic": clinic.pk,
            "role": "physio",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = StaffMember.objects.get(user__username="newphysio")
    assert member.clinic == clinic
    assert member.user.is_staff
    assert not member.user.is_superuser
    assert member.user.check_password("a-long-enough-password")


def test_clinic_admin_cannot_grant_superuser(client, clinic_admin, therapist):
    client.force_login(clinic_admin.user)
    page = client.get(admin_url(User, "change", therapist.user.pk))
    assert "is_superuser" not in page.context["adminform"].form.fields


def test_deleting_an_exercise_with_history_is_refused_in_the_admin(client, therapist, ours):
    client.force_login(therapist.user)
    exercise = ours[Exercise]
    response = client.post(admin_url(Exercise, "delete", exercise.pk), {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_sessions_and_completions_are_read_only(client, therapist, ours):
    client.force_login(therapist.user)
    page = client.get(admin_url(Session, "change", ours[Session].pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert (
        client.post(admin_url(Session, "delete", ours[Session].pk), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(admin_url(Completion, "add")).status_code == 403


def test_duplicate_action_copies_a_routine_into_the_clinic(client, therapist, clinic):
    template = Routine.objects.get(clinic=None, name="Daily back care")
    client.force_login(therapist.user)
    response = client.post(
        admin_url(Routine, "changelist"),
        {"action": "duplicate", "_selected_action": [template.pk]},
    )
    assert response.status_code == 302
    copy = Routine.objects.get(clinic=clinic, copied_from=template)
    assert copy.is_template
    assert copy.steps.count() == 4


def test_patient_without_staff_role_cannot_enter_the_admin(client, patient):
    client.force_login(patient.user)
    response = client.get(admin_url(Patient, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


# The audit trail records only what the admin really showed or changed (issue 12, item 6).

AUDITED = [
    model
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, AuditedAdminMixin)
]


def _new_events(before: set) -> list:
    return list(AuditEvent.objects.exclude(pk__in=before))


@pytest.mark.parametrize("role", ["therapist", "clinic_admin"])
@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.model_name)
def test_another_clinics_object_in_the_admin_records_no_access(
    client, request, role, model, ours, theirs
):
    client.force_login(request.getfixturevalue(role).user)
    obj = theirs[model]
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    for action in ("change", "history", "delete"):
        url = admin_url(model, action, obj.pk)
        assert client.get(url).status_code in (302, 403, 404)
        assert client.post(url, {"post": "yes"}).status_code in (302, 403, 404, 405)
    assert _new_events(before) == []
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_clinic_admin_deleting_their_own_clinics_sign_in_records_a_delete(
    client, clinic_admin, ours
):
    user = ours[User]
    client.force_login(clinic_admin.user)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    assert client.get(admin_url(User, "delete", user.pk)).status_code == 200
    assert client.post(admin_url(User, "delete", user.pk), {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    events = _new_events(before)
    assert sorted(event.action for event in events) == ["delete", "view"]
    assert {event.patient_id for event in events} == {ours[Patient].pk}


def test_refused_admin_change_is_recorded_as_a_view(client, therapist, ours):
    assignment = ours[Assignment]
    client.force_login(therapist.user)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        admin_url(Assignment, "change", assignment.pk),
        {
            "patient": assignment.patient_id,
            "routine": assignment.routine_id,
            "starts_on": assignment.starts_on.isoformat(),
            "ends_on": (assignment.starts_on - datetime.timedelta(days=3)).isoformat(),
            "weekdays": 127,
            "sessions_per_day": 1,
            "pauses-TOTAL_FORMS": 0,
            "pauses-INITIAL_FORMS": 0,
            "pauses-MIN_NUM_FORMS": 0,
            "pauses-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 200  # the form comes back with its errors
    (event,) = _new_events(before)
    assert (event.action, event.patient_id) == ("view", assignment.patient_id)


def test_refused_admin_add_is_not_recorded_as_a_creation(client, therapist, ours):
    client.force_login(therapist.user)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        admin_url(Assignment, "add"),
        {"patient": ours[Patient].pk, "pauses-TOTAL_FORMS": 0, "pauses-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200
    assert [(event.action, event.patient_id) for event in _new_events(before)] == [("view", None)]


def test_admin_action_records_its_own_rows_and_no_change(client, clinic_admin, ours):
    patient = ours[Patient]
    client.force_login(clinic_admin.user)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        admin_url(Patient, "changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [patient.pk]},
    )
    assert response.status_code == 302
    events = _new_events(before)
    assert [(event.action, event.patient_id) for event in events] == [("sign_out", patient.pk)]
    # With nothing selected the list comes back: that is a list, not a change.
    again = client.post(admin_url(Patient, "changelist"), {"action": "sign_out_everywhere"})
    assert again.status_code == 200
    assert sorted(event.action for event in _new_events(before)) == ["list", "sign_out"]


def test_operator_deleting_patients_by_action_records_one_delete_each(client, superuser, clinic):
    patient = factories.make_patient(clinic)
    client.force_login(superuser)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        admin_url(Patient, "changelist"),
        {"action": "delete_selected", "_selected_action": [patient.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Patient.objects.filter(pk=patient.pk).exists()
    events = _new_events(before)
    assert [(event.action, event.patient_id) for event in events] == [("delete", patient.pk)]
    assert events[0].clinic_id == patient.clinic_id
