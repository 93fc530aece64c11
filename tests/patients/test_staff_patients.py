"""The roster and the patient pages: add, edit, archive, restore, revoke access."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


def test_roster_lists_the_clinics_patients_only(client, therapist, patient, other_clinic_patient):
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_list")).content.decode()
    assert patient.last_name in page
    assert other_clinic_patient.last_name not in page


def test_roster_searches_by_name_and_email(client, therapist, clinic):
    factories.make_patient(clinic, therapist, first_name="Zoe", last_name="Quist")
    factories.make_patient(clinic, therapist, first_name="Yann", email="yann@example.com")
    client.force_login(therapist.user)
    url = reverse("staff:patient_list")
    page = client.get(url, {"q": "quist"}).content.decode()
    assert "Zoe" in page
    assert "Yann" not in page
    page = client.get(url, {"q": "yann@example"}).content.decode()
    assert "Yann" in page
    assert "Zoe" not in page


def test_roster_filters_by_physiotherapist(client, therapist, colleague, clinic):
    factories.make_patient(clinic, therapist, first_name="Mine")
    factories.make_patient(clinic, colleague, first_name="Theirs")
    client.force_login(therapist.user)
    page = client.get(
        reverse("staff:patient_list"), {"physiotherapist": colleague.id}
    ).content.decode()
    assert "Theirs" in page
    assert "Mine" not in page


def test_roster_hides_archived_unless_asked(client, therapist, clinic):
    archived = factories.make_patient(clinic, therapist, first_name="Gone")
    Patient.objects.filter(id=archived.id).update(archived_at="2026-01-01T00:00Z")
    factories.make_patient(clinic, therapist, first_name="Here")
    client.force_login(therapist.user)
    url = reverse("staff:patient_list")
    assert "Gone" not in client.get(url).content.decode()
    page = client.get(url, {"archived": "on"}).content.decode()
    assert "Gone" in page
    assert "Here" not in page


def test_roster_needs_attention_shows_pain_and_silence(client, therapist, clinic):
    quiet = factories.make_patient(clinic, therapist, first_name="Quiet")
    factories.make_assignment(quiet)
    sore = factories.make_patient(clinic, therapist, first_name="Sore")
    factories.make_finished_session(factories.make_assignment(sore), pain=8)
    keen = factories.make_patient(clinic, therapist, first_name="Keen")
    factories.make_finished_session(factories.make_assignment(keen))
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_list"), {"needs_attention": "on"}).content.decode()
    assert "Quiet" in page
    assert "Sore" in page
    assert "Keen" not in page


def test_roster_with_500_patients_runs_a_fixed_number_of_queries(
    client, therapist, clinic, django_assert_max_num_queries
):
    Patient.objects.bulk_create(
        Patient(clinic=clinic, physiotherapist=therapist, first_name="P", last_name=f"{n:03}")
        for n in range(500)
    )
    client.force_login(therapist.user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("staff:patient_list"), {"needs_attention": ""})
    assert response.status_code == 200
    with django_assert_max_num_queries(7):
        client.get(reverse("staff:patient_list"), {"page": "10", "q": "P"})


def test_patient_create_defaults_to_me_and_opens_the_patient(client, therapist):
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_create")).content.decode()
    assert f'<option value="{therapist.id}" selected>' in page
    response = client.post(
        reverse("staff:patient_create"),
        {"first_name": "Nina", "last_name": "Berg", "email": "", "physiotherapist": therapist.id},
    )
    patient = Patient.objects.get(first_name="Nina")
    assert response.url == reverse("staff:patient_detail", args=[patient.id])
    assert patient.clinic == therapist.clinic
    assert patient.physiotherapist == therapist


def test_patient_create_refuses_another_clinics_physiotherapist(
    client, therapist, other_clinic_therapist
):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:patient_create"),
        {"first_name": "Nina", "physiotherapist": other_clinic_therapist.id},
    )
    assert response.status_code == 400
    assert not Patient.objects.filter(first_name="Nina").exists()


def test_patient_create_needs_a_first_name_and_a_valid_email(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:patient_create"), {"first_name": "", "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Patient.objects.filter(clinic=therapist.clinic).exists()


def test_patient_update_saves(client, therapist, patient, colleague):
    client.force_login(therapist.user)
    client.post(
        reverse("staff:patient_update", args=[patient.id]),
        {
            "first_name": "Alicia",
            "last_name": "K",
            "email": "a@example.com",
            "physiotherapist": colleague.id,
        },
    )
    patient.refresh_from_db()
    assert (patient.first_name, patient.email, patient.physiotherapist) == (
        "Alicia",
        "a@example.com",
        colleague,
    )


def test_patient_detail_shows_plans_and_sign_in_state(client, therapist, patient, assignment):
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_detail", args=[patient.id])).content.decode()
    assert assignment.routine.name in page
    assert "The patient has access." in page
    assert "Pause" in page


def test_archive_takes_the_patient_off_and_ends_their_sign_in(client, therapist, patient):
    client.force_login(therapist.user)
    client.post(reverse("staff:patient_archive", args=[patient.id]))
    patient.refresh_from_db()
    assert patient.archived_at is not None
    assert Patient.objects.filter(id=patient.id).exists()
    client.force_login(patient.user)
    assert client.get(reverse("home")).status_code == 403
    client.force_login(therapist.user)
    client.post(reverse("staff:patient_restore", args=[patient.id]))
    patient.refresh_from_db()
    assert patient.archived_at is None


def test_revoke_access_signs_the_patient_out(client, therapist, patient):
    client.force_login(patient.user)
    assert client.get(reverse("patients:today")).status_code == 200
    staff_client = client.__class__()
    staff_client.force_login(therapist.user)
    staff_client.post(reverse("staff:patient_revoke", args=[patient.id]))
    patient.user.refresh_from_db()
    assert not patient.user.is_active
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_roster_shows_the_last_session(client, therapist, patient, assignment):
    factories.make_finished_session(assignment, when=timezone.now() - datetime.timedelta(days=2))
    client.force_login(therapist.user)
    page = client.get(reverse("staff:patient_list")).content.decode()
    assert "last session" in page


def test_patient_page_query_count_does_not_grow_with_plans(
    client, therapist, patient, django_assert_max_num_queries
):
    for _ in range(20):
        factories.make_assignment(patient)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:patient_detail", args=[patient.id]))
    assert response.content.decode().count("Edit schedule") == 20
