"""The routine builder: steps added from the library, edited in place, reordered, removed."""

import re

import pytest
from django.urls import reverse

from patients.models import Assignment
from routines.models import Exercise, Routine, RoutineStep
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def step_data(**overrides) -> dict:
    data = {
        "hold_seconds": "30",
        "repetitions": "2",
        "sets": "3",
        "sides": "each",
        "rest_between_repetitions_seconds": "5",
        "rest_between_sets_seconds": "15",
        "note": "Slowly",
    }
    data.update(overrides)
    return data


@pytest.fixture
def routine(clinic):
    return factories.make_routine(clinic, steps=3, is_template=False, name="Morning")


def positions(routine) -> list[int]:
    steps = routine.steps.filter(archived_at__isnull=True).order_by("position")
    return [step.id for step in steps]


def test_routine_create_opens_the_builder(client, therapist):
    client.force_login(therapist.user)
    response = client.post(reverse("routines:routine_create"), {"name": "Office breaks"})
    routine = Routine.objects.get(name="Office breaks")
    assert response.url == reverse("routines:builder", args=[routine.id])
    assert routine.clinic == therapist.clinic
    assert routine.created_by == therapist.user
    assert not routine.is_template


def test_routine_create_needs_a_name(client, therapist):
    client.force_login(therapist.user)
    response = client.post(reverse("routines:routine_create"), {"name": ""})
    assert response.status_code == 400
    assert not Routine.objects.filter(clinic=therapist.clinic).exists()


def test_builder_search_finds_library_exercises(client, therapist, routine):
    client.force_login(therapist.user)
    url = reverse("routines:builder", args=[routine.id])
    page = client.get(url, {"q": "chest"}).content.decode()
    assert "Add Knees to chest" in page
    partial = client.get(
        reverse("routines:step_search", args=[routine.id]), {"q": "chest"}, **HTMX
    ).content.decode()
    assert "Add Knees to chest" in partial
    assert "<html" not in partial


def test_step_add_appends_with_the_exercise_defaults(client, therapist, routine):
    exercise = Exercise.objects.get(name="Child's pose")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:step_add", args=[routine.id]), {"exercise": exercise.id}
    )
    assert response.status_code == 302
    step = routine.steps.get(exercise=exercise)
    assert step.position == 4
    assert step.hold_seconds == 30
    assert step.sets == 2


def test_step_add_by_htmx_answers_the_new_list(client, therapist, routine):
    exercise = Exercise.objects.get(name="Knees to chest")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:step_add", args=[routine.id]), {"exercise": exercise.id}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="steps"' in response.content.decode()
    assert "Knees to chest" in response.content.decode()


def test_step_add_refuses_another_clinics_exercise(client, therapist, routine, other_clinic):
    theirs = factories.make_exercise(other_clinic)
    client.force_login(therapist.user)
    response = client.post(reverse("routines:step_add", args=[routine.id]), {"exercise": theirs.id})
    assert response.status_code == 404
    assert routine.steps.count() == 3


def test_step_update_saves_the_prescription(client, therapist, routine):
    step = routine.steps.first()
    client.force_login(therapist.user)
    response = client.post(reverse("routines:step_update", args=[routine.id, step.id]), step_data())
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.hold_seconds, step.repetitions, step.sets, step.sides) == (30, 2, 3, "each")
    assert step.rest_between_repetitions_seconds == 5
    assert (step.rest_between_sets_seconds, step.note) == (15, "Slowly")


def test_step_update_by_htmx_answers_the_step(client, therapist, routine):
    step = routine.steps.first()
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:step_update", args=[routine.id, step.id]), step_data(), **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="step-{step.id}"' in page
    assert "Saved" in page
    assert "<html" not in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hold_seconds", "0"),
        ("hold_seconds", "601"),
        ("repetitions", "51"),
        ("sets", "0"),
        ("rest_between_repetitions_seconds", "-1"),
        ("rest_between_sets_seconds", "601"),
        ("sides", "three"),
        ("hold_seconds", "ten"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_step_update_refuses_out_of_range_values(client, therapist, routine, field, value, htmx):
    step = routine.steps.first()
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:step_update", args=[routine.id, step.id]),
        step_data(**{field: value}),
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 400
    assert "Not saved: please correct the values below." in response.content.decode()
    step.refresh_from_db()
    assert step.hold_seconds == 20
    assert step.note == ""


def test_step_move_swaps_with_the_neighbour(client, therapist, routine):
    first, second, third = positions(routine)
    client.force_login(therapist.user)
    url = reverse("routines:step_move", args=[routine.id, third])
    client.post(url, {"direction": "up"})
    assert positions(routine) == [first, third, second]
    client.post(reverse("routines:step_move", args=[routine.id, first]), {"direction": "down"})
    assert positions(routine) == [third, first, second]


def test_step_move_at_the_end_changes_nothing(client, therapist, routine):
    before = positions(routine)
    client.force_login(therapist.user)
    client.post(reverse("routines:step_move", args=[routine.id, before[0]]), {"direction": "up"})
    client.post(reverse("routines:step_move", args=[routine.id, before[-1]]), {"direction": "down"})
    assert positions(routine) == before


def test_step_move_refuses_an_unknown_direction(client, therapist, routine):
    before = positions(routine)
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:step_move", args=[routine.id, before[0]]), {"direction": "sideways"}
    )
    assert response.status_code == 400
    assert positions(routine) == before


def test_step_remove_deletes_a_step_never_done(client, therapist, routine):
    step = routine.steps.first()
    client.force_login(therapist.user)
    client.post(reverse("routines:step_remove", args=[routine.id, step.id]))
    assert not RoutineStep.objects.filter(id=step.id).exists()


def test_step_remove_archives_a_step_that_was_done(client, therapist, assignment):
    factories.make_finished_session(assignment)
    routine = assignment.routine
    step = routine.steps.first()
    client.force_login(therapist.user)
    client.post(reverse("routines:step_remove", args=[routine.id, step.id]))
    step.refresh_from_db()
    assert step.archived_at is not None
    assert step.completions.exists()
    assert step.id not in positions(routine)


def test_routine_update_renames(client, therapist, routine):
    client.force_login(therapist.user)
    url = reverse("routines:routine_update", args=[routine.id])
    client.post(url, {"name": "Evening", "goal": "Wind down"})
    routine.refresh_from_db()
    assert (routine.name, routine.goal) == ("Evening", "Wind down")
    assert client.post(url, {"name": ""}).status_code == 400
    routine.refresh_from_db()
    assert routine.name == "Evening"


def test_duplicate_of_a_builtin_template_is_the_clinics_own(client, therapist):
    builtin = Routine.objects.get(clinic=None, name="Daily back care")
    client.force_login(therapist.user)
    response = client.post(reverse("routines:duplicate", args=[builtin.id]))
    copy = Routine.objects.get(clinic=therapist.clinic)
    assert response.url == reverse("routines:builder", args=[copy.id])
    assert copy.name == "Copy of Daily back care"
    assert copy.steps.count() == builtin.steps.count()
    assert copy.copied_from == builtin


def test_save_as_template_makes_a_clinic_template(client, therapist, routine):
    client.force_login(therapist.user)
    client.post(reverse("routines:template", args=[routine.id]))
    template = Routine.objects.get(clinic=therapist.clinic, is_template=True)
    assert template.name == routine.name
    assert template.steps.count() == 3
    routine.refresh_from_db()
    assert not routine.is_template


def test_builtin_template_is_read_only(client, therapist):
    builtin = Routine.objects.get(clinic=None, name="Daily back care")
    step = builtin.steps.first()
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[builtin.id])).content.decode()
    assert "read-only" in page
    assert "Search the library" not in page
    exercise = Exercise.objects.get(name="Child's pose")
    add = client.post(reverse("routines:step_add", args=[builtin.id]), {"exercise": exercise.id})
    edit = client.post(reverse("routines:step_update", args=[builtin.id, step.id]), step_data())
    assert (add.status_code, edit.status_code) == (404, 404)
    step.refresh_from_db()
    assert step.hold_seconds != 30 or step.note == ""


def test_preview_shows_steps_as_the_patient_sees_them(client, therapist):
    builtin = Routine.objects.get(clinic=None, name="Daily back care")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:preview", args=[builtin.id])).content.decode()
    assert "Supine lumbar rotation" in page
    assert "each side" in page
    assert "never force a position" in page
    assert "Keep both shoulders resting on the floor." in page


def test_handout_has_the_steps_the_advice_and_a_qr_code_to_sign_in(client, therapist):
    builtin = Routine.objects.get(clinic=None, name="Daily back care")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:handout", args=[builtin.id])).content.decode()
    assert "limber/handout.css" in page
    assert "<svg" in page
    assert "http://testserver/login/" in page
    assert "Child&#x27;s pose" in page
    assert "Stop and tell your physiotherapist" in page
    assert "style=" not in page


def test_builder_query_count_does_not_grow_with_steps(
    client, therapist, clinic, django_assert_max_num_queries
):
    routine = factories.make_routine(clinic, steps=30, is_template=False)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("routines:builder", args=[routine.id]), {"q": "stretch"})
    assert response.status_code == 200
    assert len(re.findall(r'name="steps-\d+-id"', response.content.decode())) == 30


def test_editing_a_patients_copy_tells_the_patient(client, therapist, assignment, patient):
    routine = assignment.routine
    step = routine.steps.select_related("exercise").first()
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[routine.id])).content.decode()
    assert f"This is {patient}'s own plan" in page
    client.post(reverse("routines:step_update", args=[routine.id, step.id]), step_data())
    assignment.refresh_from_db()
    assert assignment.has_unseen_change
    assert f"{step.exercise.name}: now Hold 30 s · each side" in assignment.change_summary


def test_editing_a_template_leaves_running_plans_alone(client, therapist, patient, clinic):
    template = factories.make_routine(clinic, steps=2, is_template=True)
    assignment = factories.make_assignment(patient, template)
    step = template.steps.first()
    client.force_login(therapist.user)
    client.post(reverse("routines:step_update", args=[template.id, step.id]), step_data())
    assignment = Assignment.objects.get(id=assignment.id)
    assert assignment.changed_at is None
    assert assignment.routine.steps.order_by("position").first().hold_seconds == 20


def test_routine_list_query_count_does_not_grow(
    client, therapist, clinic, patient, django_assert_max_num_queries
):
    for number in range(100):
        Routine.objects.create(clinic=clinic, name=f"Routine {number:03}", is_template=True)
    factories.make_assignment(patient)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("routines:routine_list"))
    page = response.content.decode()
    assert "Routine 047" in page  # the first page of 50, by name
    assert "Daily back care" in page


def test_routine_list_shows_patients_plans_with_the_patient_and_hides_other_clinics(
    client, therapist, assignment, other_clinic
):
    assignment.routine.name = "Alice's own copy"
    assignment.routine.save()
    factories.make_routine(other_clinic, name="Their template")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:routine_list")).content.decode()
    assert "Alice&#x27;s own copy" in page
    assert str(assignment.patient.last_name) in page
    assert "Their template" not in page
    assert assignment.routine.copied_from.name in page
