"""The builder as one form (issue 14): every step, the order, additions and removals, the
name and goal, saved at once; without JavaScript Add, Move and Remove rearrange the rows
and keep every unsaved edit."""

import pytest
from django.urls import reverse

from routines.models import RoutineStep
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = (
    "hold_seconds",
    "repetitions",
    "rest_between_repetitions_seconds",
    "sets",
    "rest_between_sets_seconds",
    "sides",
    "note",
)


@pytest.fixture
def routine(clinic):
    return factories.make_routine(clinic, steps=4, is_template=False, name="Morning")


def active(routine) -> list[RoutineStep]:
    return list(routine.steps.filter(archived_at__isnull=True).order_by("position"))


def form_data(routine, steps=None, **changes) -> dict:
    """The builder's form as the page sends it: the saved rows, then `changes`."""
    steps = active(routine) if steps is None else steps
    data = {
        "name": routine.name,
        "goal": routine.goal,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
    }
    for index, step in enumerate(steps):
        data[f"steps-{index}-id"] = str(step.id)
        data[f"steps-{index}-exercise"] = str(step.exercise_id)
        data[f"steps-{index}-remove"] = "False"
        for name in FIELDS:
            data[f"steps-{index}-{name}"] = str(getattr(step, name))
    data.update({key: str(value) for key, value in changes.items()})
    return data


def save_url(routine) -> str:
    return reverse("routines:routine_save", args=[routine.id])


def test_builder_saves_every_change_at_once(client, therapist, routine, clinic):
    first, second, third, fourth = active(routine)
    new = factories.make_exercise(clinic, name="Child's pose", default_hold_seconds=40)
    # Reordered: fourth moves to the top; three steps changed; one removed; one added.
    order = [fourth, first, second, third]
    data = form_data(routine, steps=order, name="Morning, longer")
    data.update(
        {
            "steps-1-hold_seconds": "35",
            "steps-2-note": "Breathe out",
            "steps-3-sets": "2",
            "steps-0-remove": "True",
            "steps-TOTAL_FORMS": "5",
            "steps-4-id": "",
            "steps-4-exercise": str(new.id),
            "steps-4-remove": "False",
            "steps-4-hold_seconds": "40",
            "steps-4-repetitions": "1",
            "steps-4-sets": "1",
            "steps-4-sides": "both",
            "steps-4-rest_between_repetitions_seconds": "0",
            "steps-4-rest_between_sets_seconds": "10",
            "steps-4-note": "",
        }
    )
    client.force_login(therapist.user)
    response = client.post(save_url(routine), data)
    assert response.status_code == 302
    routine.refresh_from_db()
    assert routine.name == "Morning, longer"
    steps = active(routine)
    assert [step.id for step in steps[:3]] == [first.id, second.id, third.id]
    assert steps[3].exercise == new
    assert [step.position for step in steps] == [1, 2, 3, 4]
    assert steps[0].hold_seconds == 35
    assert steps[1].note == "Breathe out"
    assert steps[2].sets == 2
    assert not RoutineStep.objects.filter(id=fourth.id).exists()  # never done: deleted


def test_builder_saves_nothing_when_one_value_is_wrong(client, therapist, routine):
    before = [(step.id, step.hold_seconds, step.position) for step in active(routine)]
    data = form_data(routine, name="Renamed", **{"steps-0-hold_seconds": "35"})
    data["steps-3-hold_seconds"] = "0"
    client.force_login(therapist.user)
    response = client.post(save_url(routine), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was saved" in page
    assert 'value="35"' in page  # the other edit is still in the form
    routine.refresh_from_db()
    assert routine.name == "Morning"
    assert [(step.id, step.hold_seconds, step.position) for step in active(routine)] == before


def test_builder_move_without_javascript_keeps_unsaved_edits(client, therapist, routine):
    steps = active(routine)
    data = form_data(routine, **{"steps-0-hold_seconds": "33", "move": "2:up"})
    client.force_login(therapist.user)
    response = client.post(save_url(routine), data)
    assert response.status_code == 200
    page = response.content.decode()
    # Row 2 is now row 1, and the edit of row 0 is still there, unsaved.
    assert f'name="steps-1-id" value="{steps[2].id}"' in page
    assert f'name="steps-2-id" value="{steps[1].id}"' in page
    assert 'name="steps-0-hold_seconds" value="33"' in page
    assert 'data-unsaved="true"' in page
    assert [step.id for step in active(routine)] == [step.id for step in steps]


def test_builder_add_and_remove_without_javascript_save_nothing_yet(
    client, therapist, routine, clinic
):
    exercise = factories.make_exercise(clinic, name="Knees to chest")
    client.force_login(therapist.user)
    response = client.post(save_url(routine), form_data(routine, add=exercise.id))
    assert response.status_code == 200
    assert f'name="steps-4-exercise" value="{exercise.id}"' in response.content.decode()
    response = client.post(save_url(routine), form_data(routine, remove=0))
    assert 'name="steps-0-remove" value="on"' in response.content.decode()
    assert len(active(routine)) == 4


def test_builder_add_refuses_another_clinics_exercise(client, therapist, routine, other_clinic):
    theirs = factories.make_exercise(other_clinic, name="Theirs")
    client.force_login(therapist.user)
    response = client.post(save_url(routine), form_data(routine, add=theirs.id))
    assert response.status_code == 404


def test_builder_removing_a_done_step_archives_it_and_tells_the_patient(
    client, therapist, assignment
):
    routine = assignment.routine
    factories.make_finished_session(assignment)
    first = active(routine)[0]
    client.force_login(therapist.user)
    response = client.post(save_url(routine), form_data(routine, **{"steps-0-remove": "True"}))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.archived_at is not None
    assert first.completions.exists()
    assignment.refresh_from_db()
    assert f"Removed: {first.exercise.name}." in assignment.change_lines()


def test_builder_preview_after_saving(client, therapist, routine):
    client.force_login(therapist.user)
    response = client.post(save_url(routine), form_data(routine, then="preview"))
    assert response.status_code == 302
    assert response.url == reverse("routines:preview", args=[routine.id])


def test_builder_has_a_live_region_and_the_script_on_load(client, therapist, routine):
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[routine.id])).content.decode()
    assert 'id="builder-status"' in page
    assert 'aria-live="polite"' in page
    assert "limber/builder.js" in page
    assert 'id="step-template"' in page


@pytest.mark.parametrize("role", ["other_clinic_therapist", "patient"])
def test_builder_save_is_404_for_others(client, request, routine, role):
    client.force_login(request.getfixturevalue(role).user)
    response = client.post(save_url(routine), form_data(routine, name="Hacked"))
    assert response.status_code == 404
    routine.refresh_from_db()
    assert routine.name == "Morning"


def test_builder_save_is_for_signed_in_staff(client, routine):
    response = client.post(save_url(routine), form_data(routine, name="Hacked"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_builder_save_refuses_a_builtin_template(client, therapist):
    builtin = factories.make_routine(None, steps=1)
    client.force_login(therapist.user)
    response = client.post(save_url(builtin), form_data(builtin, name="Mine"))
    assert response.status_code == 404


# The routine list (issue 14)


def test_routine_list_tells_templates_plans_and_drafts_apart(client, therapist, clinic, patient):
    template = factories.make_routine(clinic, steps=2, name="Back care")
    plan = factories.make_assignment(patient, routine=template).routine
    draft = factories.make_routine(clinic, steps=0, is_template=False, name="Back care")
    client.force_login(therapist.user)
    rows = {}
    response = client.get(reverse("routines:routine_list"))
    for routine in response.context["routines"]:
        rows[routine.id] = routine
    assert rows[template.id].step_count == 2
    assert rows[plan.id].plan_patient_id == patient.id
    assert rows[draft.id].step_count == 0
    page = response.content.decode()
    assert "Clinic template" in page
    assert "Patient's plan" in page
    assert "Draft" in page


@pytest.mark.parametrize(
    ("status", "expected"),
    [("template", {"Back care"}), ("plan", {"Back care (Alice)"}), ("draft", {"Unfinished"})],
)
def test_routine_list_filters_by_status(client, therapist, clinic, patient, status, expected):
    template = factories.make_routine(clinic, steps=1, name="Back care")
    factories.make_assignment(patient, routine=template)
    factories.make_routine(clinic, steps=0, is_template=False, name="Unfinished")
    client.force_login(therapist.user)
    response = client.get(reverse("routines:routine_list"), {"status": status})
    shown = {
        f"{r.name} ({r.plan_first_name})" if r.plan_patient_id else r.name
        for r in response.context["routines"]
        if r.clinic_id == clinic.id
    }
    assert shown == expected


def test_routine_list_searches_name_and_patient(client, therapist, clinic, patient):
    factories.make_assignment(patient, routine=factories.make_routine(clinic, name="Hips"))
    factories.make_routine(clinic, name="Shoulders")
    client.force_login(therapist.user)
    by_patient = client.get(reverse("routines:routine_list"), {"q": patient.first_name.lower()})
    assert [r.name for r in by_patient.context["routines"]] == ["Hips"]
    by_name = client.get(reverse("routines:routine_list"), {"q": "SHOULD"})
    assert [r.name for r in by_name.context["routines"]] == ["Shoulders"]


def test_routine_list_query_budget_at_500_routines(
    client, therapist, clinic, patient, django_assert_max_num_queries
):
    from routines.models import Routine

    Routine.objects.bulk_create(
        Routine(clinic=clinic, name=f"Routine {n:03}", is_template=n % 2 == 0) for n in range(500)
    )
    factories.make_assignment(patient)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("routines:routine_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 501
    with django_assert_max_num_queries(6):
        client.get(reverse("routines:routine_list"), {"q": "routine 4", "status": "template"})


@pytest.mark.parametrize("role", ["other_clinic_therapist", "patient"])
def test_routine_list_hides_from_others(client, request, routine, role):
    client.force_login(request.getfixturevalue(role).user)
    response = client.get(reverse("routines:routine_list"))
    if role == "patient":
        assert response.status_code == 404
    else:
        assert "Morning" not in response.content.decode()
