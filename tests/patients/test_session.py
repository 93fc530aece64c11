"""The session player without JavaScript: Done and Skip are form posts; the staff read it."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AssignmentPause, Completion, Session
from patients.sessions.services import session_finish, session_start
from tests import factories
from tests.patients.conftest import complete

pytestmark = pytest.mark.django_db


def _post_unit(client, session, step, set_number=1, side="both", status="done", **extra):
    data = {
        "client_id": str(uuid.uuid4()),
        "step": step.id,
        "set_number": set_number,
        "side": side,
        "status": status,
        **extra,
    }
    return client.post(reverse("patients:session_complete", args=[session.id]), data)


def test_session_page_opens_with_the_core_advice_and_the_first_step(client, patient, session):
    client.force_login(patient.user)
    response = client.get(reverse("patients:session", args=[session.id]))
    page = response.content.decode()
    assert "Move slowly, never force a position and avoid sudden movements" in page
    assert "Stop and tell your physiotherapist if a stretch causes sharp pain" in page
    first = session.assignment.routine.steps.first()
    assert response.context["current"].step == first
    assert 'src="/static/limber/session.js"' in page
    assert "<script>" not in page
    assert "style=" not in page


def test_session_page_words_the_prescription(client, patient, each_side_assignment):
    session = session_start(assignment=each_side_assignment)
    client.force_login(patient.user)
    page = client.get(reverse("patients:session", args=[session.id])).content.decode()
    assert "Hold 20 s · each side · 2 sets, rest 10 s between" in page
    assert "Left side" in page
    assert "Set 1 of 2" in page


def test_done_form_post_records_and_moves_on(client, patient, each_side_assignment):
    session = session_start(assignment=each_side_assignment)
    rotation = each_side_assignment.routine.steps.get(position=1)
    client.force_login(patient.user)
    response = _post_unit(client, session, rotation, side="left")
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.context["current"].key == (rotation.id, 1, "right")
    assert Completion.objects.get().exercise_name == "Supine lumbar rotation"


def test_skip_form_post_with_a_reason_records_it(client, patient, session):
    step = session.assignment.routine.steps.first()
    client.force_login(patient.user)
    _post_unit(client, session, step, status="skipped", skip_reason="pain")
    completion = Completion.objects.get()
    assert (completion.status, completion.skip_reason) == ("skipped", "pain")


def test_resubmitting_the_same_form_stores_it_once(client, patient, session):
    step = session.assignment.routine.steps.first()
    client.force_login(patient.user)
    client_id = str(uuid.uuid4())
    for _ in range(2):
        _post_unit(client, session, step, client_id=client_id)
    assert Completion.objects.count() == 1


def test_reload_resumes_at_the_first_unfinished_unit(client, patient, each_side_assignment):
    session = session_start(assignment=each_side_assignment)
    rotation = each_side_assignment.routine.steps.get(position=1)
    complete(session, rotation, 1, "left")
    complete(session, rotation, 1, "right")
    complete(session, rotation, 2, "left")
    client.force_login(patient.user)
    response = client.get(reverse("patients:session", args=[session.id]))
    assert response.context["current"].key == (rotation.id, 2, "right")
    assert response.context["done_count"] == 3
    assert response.context["unit_count"] == 5


def test_all_units_done_shows_the_end_screen(client, patient, session):
    for step in session.assignment.routine.steps.all():
        complete(session, step)
    client.force_login(patient.user)
    response = client.get(reverse("patients:session", args=[session.id]))
    assert response.context["current"] is None
    assert "How much pain do you feel now?" in response.content.decode()


def test_finish_form_post_shows_streak_and_week(client, patient, session):
    for step in session.assignment.routine.steps.all():
        complete(session, step)
    client.force_login(patient.user)
    response = client.post(
        reverse("patients:session_finish", args=[session.id]),
        {"pain": "3", "effort": "right", "note": "Felt fine"},
        follow=True,
    )
    page = response.content.decode()
    session.refresh_from_db()
    assert (session.pain, session.effort, session.note, session.flagged) == (
        3,
        "right",
        "Felt fine",
        False,
    )
    assert "1 day in a row" in page
    assert "This week: 1 of" in page
    assert "contact" not in page


def test_streak_counts_scheduled_days_in_a_row(client, patient, assignment):
    now = timezone.now()
    for days_ago in (1, 2, 3, 5):
        factories.make_finished_session(assignment, now - datetime.timedelta(days=days_ago))
    session = factories.make_finished_session(assignment, now)
    client.force_login(patient.user)
    response = client.get(reverse("patients:session", args=[session.id]))
    assert response.context["progress"].streak == 4


def test_pain_of_seven_flags_and_asks_to_contact_the_clinic(client, patient, session):
    for step in session.assignment.routine.steps.all():
        complete(session, step)
    client.force_login(patient.user)
    response = client.post(
        reverse("patients:session_finish", args=[session.id]), {"pain": "7"}, follow=True
    )
    session.refresh_from_db()
    assert session.flagged
    assert "Please contact Riverside Physio" in response.content.decode()


# Bad input: a clear message, nothing stored.


def test_step_from_another_routine_is_refused(client, patient, session, other_patient_session):
    foreign = other_patient_session.assignment.routine.steps.first()
    client.force_login(patient.user)
    response = _post_unit(client, session, foreign)
    assert response.status_code == 400
    assert "This step is not part of this session" in response.content.decode()
    assert not Completion.objects.exists()


def test_unknown_step_is_refused(client, patient, session):
    client.force_login(patient.user)
    response = client.post(
        reverse("patients:session_complete", args=[session.id]),
        {
            "client_id": str(uuid.uuid4()),
            "step": 999999,
            "set_number": 1,
            "side": "both",
            "status": "done",
        },
    )
    assert response.status_code == 400
    assert "This step is not part of this session" in response.content.decode()
    assert not Completion.objects.exists()


def test_completion_on_a_finished_session_is_refused(client, patient, session):
    step = session.assignment.routine.steps.first()
    factories.record_every_step(session)
    session_finish(session=session, pain=1)
    recorded = Completion.objects.count()
    client.force_login(patient.user)
    response = _post_unit(client, session, step, set_number=2)
    assert "This session is already finished" in client.get(response.url).content.decode()
    assert Completion.objects.count() == recorded


def test_completion_on_a_paused_plan_is_refused(client, patient, session, clinic):
    AssignmentPause.objects.create(assignment=session.assignment, starts_on=clinic.today())
    client.force_login(patient.user)
    response = _post_unit(client, session, session.assignment.routine.steps.first())
    assert response.status_code == 400
    assert "This plan is paused" in response.content.decode()
    assert not Completion.objects.exists()


def test_completion_on_an_ended_plan_is_refused(client, patient, session, clinic):
    assignment = session.assignment
    assignment.ends_on = clinic.today() - datetime.timedelta(days=1)
    assignment.save()
    client.force_login(patient.user)
    response = _post_unit(client, session, assignment.routine.steps.first())
    assert response.status_code == 400
    assert "This plan has ended" in response.content.decode()
    assert not Completion.objects.exists()


def test_skip_without_a_reason_is_refused(client, patient, session):
    client.force_login(patient.user)
    response = _post_unit(
        client, session, session.assignment.routine.steps.first(), "1", "both", status="skipped"
    )
    assert response.status_code == 400
    assert "Tell us why you are skipping this step" in response.content.decode()
    assert not Completion.objects.exists()


def test_side_the_step_does_not_have_is_refused(client, patient, session):
    client.force_login(patient.user)
    response = _post_unit(client, session, session.assignment.routine.steps.first(), side="left")
    assert response.status_code == 400
    assert not Completion.objects.exists()


@pytest.mark.parametrize("pain", ["11", "-1", "", "lots"])
def test_pain_outside_zero_to_ten_is_refused(client, patient, session, pain):
    client.force_login(patient.user)
    response = client.post(reverse("patients:session_finish", args=[session.id]), {"pain": pain})
    assert response.status_code == 400
    assert "Choose a pain score from 0 to 10" in response.content.decode()
    session.refresh_from_db()
    assert not session.is_finished


def test_finishing_twice_is_refused(client, patient, session):
    factories.record_every_step(session)
    session_finish(session=session, pain=2)
    client.force_login(patient.user)
    response = client.post(
        reverse("patients:session_finish", args=[session.id]), {"pain": "9"}, follow=True
    )
    assert "This session is already finished" in response.content.decode()
    session.refresh_from_db()
    assert session.pain == 2


# Access.


def test_another_patients_session_is_404(client, patient, other_patient_session):
    client.force_login(patient.user)
    url = reverse("patients:session", args=[other_patient_session.id])
    assert client.get(url).status_code == 404
    step = other_patient_session.assignment.routine.steps.first()
    assert _post_unit(client, other_patient_session, step).status_code == 404
    finish = reverse("patients:session_finish", args=[other_patient_session.id])
    assert client.post(finish, {"pain": "1"}).status_code == 404
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "role", ["therapist", "colleague", "clinic_admin", "other_clinic_therapist"]
)
def test_staff_cannot_use_the_patient_player(client, request, role, session):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get(reverse("patients:session", args=[session.id])).status_code == 404


def test_anonymous_is_asked_to_sign_in(client, session):
    for url in (
        reverse("patients:session", args=[session.id]),
        reverse("patients:session_review", args=[session.id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["therapist", "colleague", "clinic_admin"])
def test_clinic_staff_read_a_session(client, request, role, assignment):
    session = factories.make_finished_session(assignment, pain=8)
    client.force_login(request.getfixturevalue(role).user)
    response = client.get(reverse("patients:session_review", args=[session.id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Flagged" in page
    assert "read only" in page
    assert "<form" not in page.split('id="main"')[1]


@pytest.mark.parametrize(
    "role", ["other_clinic_therapist", "other_clinic_admin", "patient", "other_patient"]
)
def test_session_review_is_404_for_everyone_else(client, request, role, session):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get(reverse("patients:session_review", args=[session.id])).status_code == 404


def test_session_review_is_404_for_an_operator_without_a_clinic(client, superuser, session):
    # The operator reads sessions in the Django admin; this page belongs to clinic staff.
    client.force_login(superuser)
    assert client.get(reverse("patients:session_review", args=[session.id])).status_code == 404


# Query budgets.


@pytest.fixture
def long_session(patient, clinic):
    routine = factories.make_routine(clinic, steps=20)
    session = session_start(assignment=factories.make_assignment(patient, routine))
    for step in session.assignment.routine.steps.all()[:7]:
        complete(session, step)
    return session


def test_session_page_query_count_is_fixed_for_20_steps(
    client, patient, long_session, django_assert_max_num_queries
):
    client.force_login(patient.user)
    url = reverse("patients:session", args=[long_session.id])
    client.get(url)
    # Once signed in, the session and the user come from the cache
    # (clinic.signed_in): the session with its plan, its steps, the units done,
    # and the audit row.
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.context["unit_count"] == 20
    assert response.context["done_count"] == 7


def test_completion_post_query_count_is_fixed(
    client, patient, long_session, django_assert_max_num_queries
):
    step = long_session.assignment.routine.steps.get(position=8)
    client.force_login(patient.user)
    client.get(reverse("patients:today"))
    # The session with its plan, the step, the INSERT (in a savepoint here, as the test runs
    # in a transaction) and the audit row; no session or user (the cache).
    with django_assert_max_num_queries(7):
        response = _post_unit(client, long_session, step)
    assert response.status_code == 302
    assert Session.objects.get().completions.count() == 8


def test_session_page_of_a_paused_plan_says_so(client, patient, session, clinic):
    AssignmentPause.objects.create(assignment=session.assignment, starts_on=clinic.today())
    client.force_login(patient.user)
    page = client.get(reverse("patients:session", args=[session.id])).content.decode()
    assert "This plan is paused" in page


def test_session_page_shows_the_exercise_picture_with_a_text_alternative(client, patient, session):
    exercise = session.assignment.routine.steps.first().exercise
    exercise.image = "exercises/rotation.png"
    exercise.save()
    client.force_login(patient.user)
    page = client.get(reverse("patients:session", args=[session.id])).content.decode()
    assert 'src="/media/exercises/rotation.png"' in page
    assert f'alt="Picture: {exercise.name}"' in page


def test_session_page_shows_an_edited_step_at_once(client, patient, session):
    """The player's step fragments are cached by their content, so an edit is never stale."""
    client.force_login(patient.user)
    url = reverse("patients:session", args=[session.id])
    step = session.assignment.routine.steps.first()
    client.get(url)
    step.note = "Keep your shoulders on the floor."
    step.hold_seconds = 45
    step.save()
    exercise = step.exercise
    exercise.cues = "Breathe out as you go down."
    exercise.save()
    page = client.get(url).content.decode()
    assert "Keep your shoulders on the floor." in page
    assert "Hold 45 s" in page
    assert "Breathe out as you go down." in page


def test_session_page_shares_cached_steps_without_mixing_sessions(client, patient, assignment):
    """Two sessions of the same plan share the step fragments but each keeps its own ids,
    links and progress."""
    client.force_login(patient.user)
    first = session_start(assignment=assignment)
    step = assignment.routine.steps.first()
    complete(first, step, set_number=1, side=step.side_names[0])
    first_page = client.get(reverse("patients:session", args=[first.id])).content.decode()
    factories.record_every_step(first)
    session_finish(session=first, pain=2)
    second = session_start(assignment=assignment)
    second_page = client.get(reverse("patients:session", args=[second.id])).content.decode()
    assert reverse("patients:session_complete", args=[second.id]) in second_page
    assert reverse("patients:session_complete", args=[first.id]) not in second_page
    assert f'data-done="1:{step.side_names[0]}"' in first_page
    assert f'data-done="1:{step.side_names[0]}"' not in second_page
