"""Today, the plan and the history: what is due in the clinic's time zone, and past sessions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import AssignmentPause, Session
from patients.sessions.services import session_start
from tests import factories

pytestmark = pytest.mark.django_db


def _today_page(client, patient):
    client.force_login(patient.user)
    response = client.get(reverse("patients:today"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_sends_the_patient_to_today(client, patient, assignment):
    client.force_login(patient.user)
    assert client.get(reverse("home")).url == reverse("patients:today")


def test_today_shows_a_start_button_and_sessions_left(client, patient, assignment):
    page = _today_page(client, patient)
    assert assignment.routine.name in page
    assert "0 of 1 done today" in page
    assert reverse("patients:start", args=[assignment.id]) in page
    assert "never force a position" in page.lower()


def test_today_counts_sessions_per_day_done_and_left(client, patient):
    assignment = factories.make_assignment(patient, sessions_per_day=3)
    factories.make_finished_session(assignment)
    page = _today_page(client, patient)
    assert "1 of 3 done today" in page
    assert "2 left" in page


def test_today_counts_an_extra_session_apart(client, patient, assignment):
    factories.make_finished_session(assignment)
    factories.make_finished_session(assignment)
    page = " ".join(_today_page(client, patient).split())
    assert "1 of 1 done today · 1 extra" in page
    assert "2 of 1" not in page


def test_today_says_all_done_when_every_session_is_finished(client, patient, assignment):
    factories.make_finished_session(assignment)
    page = _today_page(client, patient)
    assert "All done for today" in page
    assert reverse("patients:start", args=[assignment.id]) not in page


def test_today_respects_the_weekday_mask(client, patient, clinic):
    today = clinic.today()
    every_day_but_today = 0b1111111 & ~(1 << today.weekday())
    assignment = factories.make_assignment(patient, weekdays=every_day_but_today)
    page = _today_page(client, patient)
    assert "Nothing is planned for today" in page
    assert reverse("patients:start", args=[assignment.id]) not in page


def test_today_shows_a_paused_plan_without_start(client, patient, assignment, clinic):
    AssignmentPause.objects.create(assignment=assignment, starts_on=clinic.today())
    page = _today_page(client, patient)
    assert "This plan is paused" in page
    assert reverse("patients:start", args=[assignment.id]) not in page


def test_today_ignores_a_pause_that_is_over(client, patient, assignment, clinic):
    yesterday = clinic.today() - datetime.timedelta(days=1)
    AssignmentPause.objects.create(
        assignment=assignment, starts_on=yesterday - datetime.timedelta(days=3), ends_on=yesterday
    )
    assert reverse("patients:start", args=[assignment.id]) in _today_page(client, patient)


def test_today_hides_plans_not_started_or_ended(client, patient, clinic):
    today = clinic.today()
    later = factories.make_assignment(patient, starts_on=today + datetime.timedelta(days=2))
    ended = factories.make_assignment(
        patient,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=1),
    )
    page = _today_page(client, patient)
    assert later.routine.name not in page
    assert ended.routine.name not in page


def test_today_uses_the_clinic_time_zone(client, other_clinic_patient, settings):
    # The New York clinic's today, whatever the server's zone says.
    settings.TIME_ZONE = "Asia/Tokyo"
    assignment = factories.make_assignment(other_clinic_patient)
    local_today = timezone.localdate(timezone=other_clinic_patient.clinic.zone)
    client.force_login(other_clinic_patient.user)
    response = client.get(reverse("patients:today"))
    assert response.context["today"] == local_today
    assert response.context["assignments"][0] == assignment


def test_today_names_the_plan_in_the_patients_language(client, patient, assignment):
    routine = assignment.routine
    routine.name_en, routine.name_fr_ca = "Morning stretch", "Étirement du matin"
    routine.goal_en, routine.goal_fr_ca = "A supple back", ""
    routine.save()
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    client.force_login(patient.user)
    page = client.get(reverse("patients:today")).content.decode()
    assert "Étirement du matin" in page
    assert "Morning stretch" not in page
    # No French goal: the English one stands in.
    assert "A supple back" in page


def test_today_offers_to_continue_an_open_session(client, patient, assignment):
    session = session_start(assignment=assignment)
    page = _today_page(client, patient)
    assert reverse("patients:session", args=[session.id]) in page
    assert "Continue" in page


def test_start_opens_a_session_and_a_second_press_continues_it(client, patient, assignment):
    client.force_login(patient.user)
    url = reverse("patients:start", args=[assignment.id])
    first = client.post(url)
    session = Session.objects.get()
    assert first.url == reverse("patients:session", args=[session.id])
    assert client.post(url).url == first.url
    assert Session.objects.count() == 1


def test_start_on_a_paused_plan_is_refused(client, patient, assignment, clinic):
    AssignmentPause.objects.create(assignment=assignment, starts_on=clinic.today())
    client.force_login(patient.user)
    response = client.post(reverse("patients:start", args=[assignment.id]), follow=True)
    assert "This plan is paused" in response.content.decode()
    assert not Session.objects.exists()


def test_start_of_another_patients_plan_is_404(client, patient, other_patient):
    other = factories.make_assignment(other_patient)
    client.force_login(patient.user)
    assert client.post(reverse("patients:start", args=[other.id])).status_code == 404
    assert not Session.objects.exists()


@pytest.mark.parametrize("name", ["patients:today", "patients:plan", "patients:history"])
def test_patient_pages_ask_anonymous_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["therapist", "clinic_admin", "other_clinic_therapist"])
@pytest.mark.parametrize("name", ["patients:today", "patients:plan", "patients:history"])
def test_patient_pages_are_404_for_staff(client, request, role, name):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get(reverse(name)).status_code == 404


def test_plan_lists_steps_in_plain_words_with_schedule(client, patient, each_side_assignment):
    client.force_login(patient.user)
    page = client.get(reverse("patients:plan")).content.decode()
    assert "Supine lumbar rotation" in page
    assert "Hold 20 s · each side · 2 sets, rest 10 s between" in page
    assert "Hold 15 s · 2 repetitions, rest 5 s between" in page
    assert "Every day · once a day" in page


def test_plan_shows_only_the_patients_own(client, patient, assignment, other_patient):
    other = factories.make_assignment(other_patient)
    other.routine.name = "Someone else's plan"
    other.routine.save()
    client.force_login(patient.user)
    page = client.get(reverse("patients:plan")).content.decode()
    assert assignment.routine.name in page
    assert "Someone else's plan" not in page


def test_history_lists_own_sessions_newest_first(client, patient, assignment, other_patient):
    now = timezone.now()
    older = factories.make_finished_session(assignment, now - datetime.timedelta(days=3), pain=4)
    newer = factories.make_finished_session(assignment, now - datetime.timedelta(days=1), pain=1)
    theirs = factories.make_finished_session(factories.make_assignment(other_patient))
    client.force_login(patient.user)
    response = client.get(reverse("patients:history"))
    page = response.content.decode()
    assert page.index(reverse("patients:session", args=[newer.id])) < page.index(
        reverse("patients:session", args=[older.id])
    )
    assert reverse("patients:session", args=[theirs.id]) not in page
    assert "3 done" in page
    assert "pain 4 of 10" in page


def test_history_query_count_does_not_grow(
    client, patient, assignment, django_assert_max_num_queries
):
    start = timezone.now() - datetime.timedelta(days=20)
    for n in range(60):
        started_at = start + datetime.timedelta(hours=6 * n)
        factories.make_finished_session(assignment, started_at)
    client.force_login(patient.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("patients:history"))
    assert response.status_code == 200


def test_today_query_count_does_not_grow(client, patient, clinic, django_assert_max_num_queries):
    for _ in range(10):
        assignment = factories.make_assignment(patient)
        factories.make_finished_session(assignment)
    client.force_login(patient.user)
    client.get(reverse("patients:today"))
    # The plans with their counts, and the audit row: the session and the user with their
    # patient record come from the cache once signed in (clinic.signed_in).
    with django_assert_max_num_queries(2):
        response = client.get(reverse("patients:today"))
    assert len(response.context["assignments"]) == 10
