"""The language in the API: your own at /api/v1/me/language/, the clinic's at /api/v1/clinic/."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

MINE = "/api/v1/me/language/"
CLINIC = "/api/v1/clinic/"


@pytest.fixture
def api():
    return APIClient()


def test_patient_reads_and_changes_their_own_language(api, patient, other_patient):
    api.force_authenticate(patient.user)
    assert api.get(MINE).json() == {"language": "", "in_use": "en"}

    response = api.patch(MINE, {"language": "fr-ca"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"language": "fr-ca", "in_use": "fr-ca"}
    patient.refresh_from_db()
    other_patient.refresh_from_db()
    assert (patient.language, other_patient.language) == ("fr-ca", "")


def test_another_patient_changes_only_their_own(api, patient, other_patient):
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    api.credentials(**{"HTTP_AUTHORIZATION": bearer(other_patient.user)["Authorization"]})
    assert api.get(MINE).json()["language"] == ""
    api.patch(MINE, {"language": "en"}, format="json")
    patient.refresh_from_db()
    other_patient.refresh_from_db()
    assert (patient.language, other_patient.language) == ("fr-ca", "en")


def test_staff_language_is_kept_on_the_membership(api, therapist, patient):
    api.credentials(**{"HTTP_AUTHORIZATION": bearer(therapist.user)["Authorization"]})
    assert api.patch(MINE, {"language": "fr-ca"}, format="json").status_code == 200
    therapist.refresh_from_db()
    patient.refresh_from_db()
    assert (therapist.language, patient.language) == ("fr-ca", "")
    assert api.patch(MINE, {"language": ""}, format="json").json() == {
        "language": "",
        "in_use": "en",
    }


def test_in_use_falls_back_to_the_clinics_language(api, patient):
    patient.clinic.language = "fr-ca"
    patient.clinic.save(update_fields=["language"])
    api.force_authenticate(patient.user)
    assert api.get(MINE).json() == {"language": "", "in_use": "fr-ca"}


def test_unknown_language_is_refused_and_nothing_changes(api, patient):
    api.force_authenticate(patient.user)
    response = api.patch(MINE, {"language": "klingon"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()["fields"]
    patient.refresh_from_db()
    assert patient.language == ""


def test_anonymous_gets_401(api):
    assert api.get(MINE).status_code == 401
    assert api.patch(MINE, {"language": "fr-ca"}, format="json").status_code == 401
    assert api.get(CLINIC).status_code == 401
    assert api.patch(CLINIC, {"language": "fr-ca"}, format="json").status_code == 401


def test_operator_without_a_record_gets_404(api, superuser):
    api.force_authenticate(superuser)
    assert api.get(MINE).status_code == 404


def test_staff_read_their_clinics_settings(api, therapist, other_clinic):
    api.force_authenticate(therapist.user)
    data = api.get(CLINIC).json()
    assert data["id"] == therapist.clinic_id
    assert data["language"] == "en"


def test_only_a_clinic_admin_changes_the_clinics_language(
    api, clinic, therapist, clinic_admin, other_clinic_admin
):
    api.force_authenticate(therapist.user)
    assert api.patch(CLINIC, {"language": "fr-ca"}, format="json").status_code == 404

    api.force_authenticate(other_clinic_admin.user)
    assert api.patch(CLINIC, {"language": "fr-ca"}, format="json").status_code == 200
    clinic.refresh_from_db()
    other_clinic_admin.clinic.refresh_from_db()
    assert (clinic.language, other_clinic_admin.clinic.language) == ("en", "fr-ca")

    api.force_authenticate(clinic_admin.user)
    response = api.patch(CLINIC, {"language": "fr-ca", "phone": "555-0101"}, format="json")
    assert response.status_code == 200
    clinic.refresh_from_db()
    assert (clinic.language, clinic.phone) == ("fr-ca", "555-0101")
    assert api.patch(CLINIC, {"language": "xx"}, format="json").status_code == 400


def test_patients_get_404_on_the_clinics_settings(api, patient):
    api.force_authenticate(patient.user)
    assert api.get(CLINIC).status_code == 404
    assert api.patch(CLINIC, {"language": "fr-ca"}, format="json").status_code == 404


def test_both_endpoints_are_in_the_openapi_schema(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    assert {"get", "patch"} <= set(schema["paths"][MINE])
    assert {"get", "patch"} <= set(schema["paths"][CLINIC])
