"""Assigning a routine: the patient's own copy on a schedule; pause, resume, end, edit."""

import datetime

import pytest
from django.urls import reverse

from patients.models import Assignment, AssignmentPause
from routines.models import Routine
from tests import factories

pytestmark = pytest.mark.django_db

MON_WED_FRI = 0b0010101


@pytest.fixture
def template(clinic):
    return factories.make_routine(clinic, steps=3, is_template=True, name="Knee care")


def schedule(**overrides) -> dict:
    data = {
        "starts_on": "2026-12-01",
        "ends_on": "",
        "weeks": "",
        "weekdays": ["0", "2", "4"],
        "sessions_per_day": "1",
    }
    data.update(overrides)
    return data


def test_assign_from_the_patient_gives_them_their_own_copy(client, therapist, patient, template):
    client.force_login(therapist.user)
    page = client.get(reverse("staff:assign_patient", args=[patient.id])).content.decode()
    assert "Knee care" in page
    assert "Daily back care" in page
    response = client.post(
        reverse("staff:assign_patient", args=[patient.id]),
        schedule(routine=template.id, weeks="6", sessions_per_day="2"),
    )
    assert response.url == reverse("staff:patient_detail", args=[patient.id])
    assignment = Assignment.objects.get(patient=patient)
    assert assignment.routine != template
    assert assignment.routine.copied_from == template
    assert assignment.routine.steps.count() == 3
    assert assignment.weekdays == MON_WED_FRI
    assert assignment.starts_on == datetime.date(2026, 12, 1)
    assert assignment.ends_on == datetime.date(2027, 1, 11)
    assert assignment.sessions_per_day == 2
    assert assignment.created_by == therapist.user


def test_assign_from_the_routine_picks_a_patient(client, therapist, patient, template):
    client.force_login(therapist.user)
    client.post(
        reverse("staff:assign_routine", args=[template.id]),
        schedule(patient=patient.id, ends_on="2026-12-31"),
    )
    assignment = Assignment.objects.get(patient=patient)
    assert assignment.ends_on == datetime.date(2026, 12, 31)
    assert assignment.routine.copied_from == template


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ends_on": "2026-11-30"}, "The end date is before the start date."),
        ({"ends_on": "2026-12-31", "weeks": "2"}, "not both"),
        ({"weekdays": []}, "Choose at least one day of the week."),
        ({"sessions_per_day": "5"}, "Ensure this value is less than or equal to 4."),
        ({"weeks": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"starts_on": "someday"}, "Enter a valid date."),
    ],
)
def test_assign_refuses_a_bad_schedule(client, therapist, patient, template, data, message):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:assign_patient", args=[patient.id]), schedule(routine=template.id, **data)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assignment.objects.filter(patient=patient).exists()
    assert Routine.objects.filter(copied_from=template).count() == 0


def test_assign_refuses_another_clinics_routine(client, therapist, patient, other_clinic):
    theirs = factories.make_routine(other_clinic)
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:assign_patient", args=[patient.id]), schedule(routine=theirs.id)
    )
    assert response.status_code == 400
    assert not Assignment.objects.filter(patient=patient).exists()


def test_later_template_edits_do_not_change_the_plan(client, therapist, patient, template):
    client.force_login(therapist.user)
    client.post(reverse("staff:assign_patient", args=[patient.id]), schedule(routine=template.id))
    step = template.steps.first()
    client.post(
        reverse("routines:step_update", args=[template.id, step.id]),
        {
            "hold_seconds": "45",
            "repetitions": "1",
            "sets": "1",
            "sides": "both",
            "rest_between_repetitions_seconds": "0",
            "rest_between_sets_seconds": "10",
            "note": "",
        },
    )
    copy = Assignment.objects.get(patient=patient).routine
    assert sorted(copy.steps.values_list("hold_seconds", flat=True)) == [20, 20, 20]


def test_pause_and_resume(client, therapist, assignment, clinic):
    client.force_login(therapist.user)
    client.post(reverse("staff:assignment_pause", args=[assignment.id]))
    pause = AssignmentPause.objects.get(assignment=assignment)
    assert pause.starts_on == clinic.today()
    assert pause.ends_on is None
    page = client.get(reverse("staff:patient_detail", args=[assignment.patient_id]))
    assert "paused" in page.content.decode()
    response = client.post(reverse("staff:assignment_pause", args=[assignment.id]), follow=True)
    assert "already paused" in response.content.decode()
    AssignmentPause.objects.filter(id=pause.id).update(
        starts_on=clinic.today() - datetime.timedelta(days=5)
    )
    client.post(reverse("staff:assignment_resume", args=[assignment.id]))
    pause.refresh_from_db()
    assert pause.ends_on == clinic.today() - datetime.timedelta(days=1)


def test_resume_on_the_day_of_the_pause_leaves_no_pause(client, therapist, assignment):
    client.force_login(therapist.user)
    client.post(reverse("staff:assignment_pause", args=[assignment.id]))
    client.post(reverse("staff:assignment_resume", args=[assignment.id]))
    assert not AssignmentPause.objects.filter(assignment=assignment).exists()


def test_end_sets_the_end_date_to_today(client, therapist, assignment, clinic):
    client.force_login(therapist.user)
    client.post(reverse("staff:assignment_end", args=[assignment.id]))
    assignment.refresh_from_db()
    assert assignment.ends_on == clinic.today()


def test_schedule_edit_tells_the_patient(client, therapist, assignment):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:assignment_schedule", args=[assignment.id]),
        schedule(starts_on=str(assignment.starts_on), weekdays=["1", "3"]),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.weekdays == 0b0001010
    assert assignment.has_unseen_change
    assert "Your schedule changed." in assignment.change_summary


def test_schedule_edit_refuses_an_end_before_the_start(client, therapist, assignment):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:assignment_schedule", args=[assignment.id]),
        schedule(starts_on="2026-12-10", ends_on="2026-12-01"),
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.changed_at is None


def test_patient_sees_what_changed_until_they_have_seen_it(client, therapist, patient, assignment):
    routine = assignment.routine
    step = routine.steps.select_related("exercise").first()
    client.force_login(therapist.user)
    client.post(reverse("routines:step_remove", args=[routine.id, step.id]))
    client.force_login(patient.user)
    page = client.get(reverse("patients:today")).content.decode()
    assert "Your plan changed" in page
    assert f"Removed: {step.exercise.name}." in page
    assert "Your plan changed" in client.get(reverse("patients:today")).content.decode()
    client.post(reverse("account:plan_change_seen", args=[assignment.id]))
    assert "Your plan changed" not in client.get(reverse("patients:today")).content.decode()


def test_plan_change_seen_is_only_for_the_patients_own_plan(client, other_patient, assignment):
    client.force_login(other_patient.user)
    response = client.post(reverse("account:plan_change_seen", args=[assignment.id]))
    assert response.status_code == 404
