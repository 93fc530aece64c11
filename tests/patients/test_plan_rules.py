"""The plan rules every door keeps: a plan is the patient's own copy (never a template, a
built-in routine or another patient's copy, never shared), and an empty routine can be
neither assigned nor started."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from patients.models import Assignment, Session
from routines.models import Routine
from tests import factories
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


EMPTY = "This routine has no exercises yet"


@pytest.fixture
def empty_routine(clinic):
    return factories.make_routine(clinic, steps=0, name="Nothing yet")


def test_assignment_create_refuses_an_empty_routine(patient, empty_routine):
    from patients.plans.services import assignment_create

    with pytest.raises(ValidationError) as error:
        assignment_create(patient=patient, routine=empty_routine, starts_on=datetime.date.today())
    assert EMPTY in error.value.message_dict["routine"][0]
    assert not Assignment.objects.filter(patient=patient).exists()


def test_assignment_create_refuses_another_patients_plan(patient, other_patient):
    from patients.plans.services import assignment_create

    theirs = factories.make_assignment(other_patient)
    with pytest.raises(ValidationError) as error:
        assignment_create(patient=patient, routine=theirs.routine, starts_on=theirs.starts_on)
    assert "another patient's plan" in error.value.message_dict["routine"][0]


def test_assign_page_refuses_an_empty_routine(client, therapist, patient, empty_routine):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:assign_routine", args=[empty_routine.id]),
        {
            "patient": patient.id,
            "starts_on": "2026-01-05",
            "weekdays": [0, 2],
            "sessions_per_day": 1,
        },
    )
    assert response.status_code == 400
    assert EMPTY in response.content.decode()
    assert not Assignment.objects.filter(patient=patient).exists()


def test_assign_api_refuses_an_empty_routine(api, therapist, patient, empty_routine):
    response = api.post(
        "/api/v1/assignments/",
        {"patient": patient.id, "routine": empty_routine.id, "starts_on": "2026-01-05"},
        format="json",
        headers=bearer(therapist.user),
    )
    assert response.status_code == 400
    assert EMPTY in response.json()["fields"]["routine"][0]
    assert not Assignment.objects.filter(patient=patient).exists()


@pytest.fixture
def emptied_assignment(assignment):
    """A running plan whose every step was taken out after it was assigned."""
    assignment.routine.steps.all().delete()
    return assignment


def test_session_start_page_refuses_a_plan_without_steps(client, patient, emptied_assignment):
    client.force_login(patient.user)
    response = client.post(reverse("patients:start", args=[emptied_assignment.id]), follow=True)
    assert "no exercises yet" in response.content.decode()
    assert not Session.objects.filter(assignment=emptied_assignment).exists()


def test_session_start_api_refuses_a_plan_without_steps(api, patient, emptied_assignment):
    response = api.post(
        "/api/v1/sessions/",
        {"assignment": emptied_assignment.id},
        format="json",
        headers=bearer(patient.user),
    )
    assert response.status_code == 400
    assert "no exercises yet" in str(response.json())
    assert not Session.objects.filter(assignment=emptied_assignment).exists()


def test_assignment_never_shares_a_routine_in_the_database(patient, other_patient, assignment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            patient=other_patient, routine=assignment.routine, starts_on=assignment.starts_on
        )


def test_assignment_model_check_refuses_a_template(patient, clinic):
    template = factories.make_routine(clinic)
    plan = Assignment(patient=patient, routine=template, starts_on=clinic.today())
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "own copy" in error.value.message_dict["routine"][0]


def test_assignment_model_check_refuses_a_builtin_or_other_clinics_routine(
    patient, clinic, other_clinic
):
    builtin = Routine.objects.filter(clinic__isnull=True).first() or factories.make_routine(None)
    elsewhere = factories.make_routine(other_clinic, is_template=False)
    for routine in (builtin, elsewhere):
        with pytest.raises(ValidationError):
            Assignment(patient=patient, routine=routine, starts_on=clinic.today()).full_clean()


def test_routine_model_check_refuses_making_a_plan_a_template(assignment):
    routine = assignment.routine
    routine.is_template = True
    with pytest.raises(ValidationError) as error:
        routine.full_clean()
    assert "is_template" in error.value.message_dict


# Assigning from a routine: the patient is found by search (issue 14)


def test_assign_from_a_routine_searches_the_patient_among_thousands(
    client, therapist, clinic, django_assert_max_num_queries
):
    from patients.models import Patient

    Patient.objects.bulk_create(
        Patient(clinic=clinic, first_name="Pat", last_name=f"Family {n:04}") for n in range(5000)
    )
    nina = factories.make_patient(clinic, therapist, first_name="Nina", last_name="Zeeberg")
    routine = factories.make_routine(clinic, steps=1)
    client.force_login(therapist.user)
    url = reverse("staff:assign_routine", args=[routine.id])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count("<option") == 51  # the empty choice and the first 50
    assert "Family 0000" in page
    assert "Zeeberg" not in page
    with django_assert_max_num_queries(10):
        page = client.get(url, {"q": "zeeb"}).content.decode()
    assert "Zeeberg, Nina" in page
    # Any of the clinic's patients is accepted, listed or not.
    response = client.post(
        url,
        {"patient": nina.id, "starts_on": "2026-01-05", "weekdays": [0], "sessions_per_day": 1},
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(patient=nina).exists()


# The patient record: year of birth, phone, reason for referral (issue 14)


def test_patient_record_details_through_page_api_and_admin(client, api, therapist, patient):
    client.force_login(therapist.user)
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "email": "",
        "physiotherapist": therapist.id,
        "birth_year": "1961",
        "phone": "+31 20 123 4567",
        "referral_reason": "Lower back pain after lifting",
    }
    response = client.post(reverse("staff:patient_update", args=[patient.id]), data)
    assert response.status_code == 302
    page = client.get(reverse("staff:patient_detail", args=[patient.id])).content.decode()
    assert "born 1961" in page
    assert "+31 20 123 4567" in page
    assert "Lower back pain after lifting" in page
    body = api.get(f"/api/v1/patients/{patient.id}/", headers=bearer(therapist.user)).json()
    assert (body["birth_year"], body["phone"]) == (1961, "+31 20 123 4567")
    response = api.patch(
        f"/api/v1/patients/{patient.id}/",
        {"first_name": patient.first_name, "birth_year": 1800},
        format="json",
        headers=bearer(therapist.user),
    )
    assert response.status_code == 400
    assert "birth_year" in response.json()["fields"]


def test_patient_birth_year_is_plausible_on_the_page(client, therapist, patient):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:patient_update", args=[patient.id]),
        {"first_name": patient.first_name, "birth_year": "1850"},
    )
    assert response.status_code == 400
    patient.refresh_from_db()
    assert patient.birth_year is None
