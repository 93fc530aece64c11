"""The admin: questionnaires scoped to the clinic and imported as FHIR; responses read-only."""

import json

import pytest
from django.urls import reverse

from patients.outcomes.models import Questionnaire
from patients.outcomes.services import questionnaire_import

from .conftest import LICENCE, make_response

pytestmark = pytest.mark.django_db


def test_admin_questionnaires_show_shipped_and_own_not_another_clinics(
    client, clinic_admin, other_clinic, licensed_resource
):
    theirs = questionnaire_import(clinic=other_clinic, resource=licensed_resource)
    client.force_login(clinic_admin.user)
    page = client.get(reverse("admin:outcomes_questionnaire_changelist")).content.decode()
    assert "Numeric Pain Rating Scale" in page
    assert "Back Function Index" not in page
    assert "Import a FHIR Questionnaire" in page
    url = reverse("admin:outcomes_questionnaire_change", args=[theirs.questionnaire_id])
    assert client.get(url).status_code == 302  # "not found": back to the admin index


def test_admin_imports_a_fhir_questionnaire_into_the_clinic(
    client, clinic_admin, licensed_resource
):
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("admin:outcomes_questionnaire_import"),
        {"resource": json.dumps(licensed_resource)},
    )
    questionnaire = Questionnaire.objects.get(clinic=clinic_admin.clinic)
    assert response["Location"] == reverse(
        "admin:outcomes_questionnaire_change", args=[questionnaire.pk]
    )
    assert questionnaire.copyright == LICENCE


def test_admin_import_refuses_naming_the_field(client, clinic_admin, licensed_resource):
    licensed_resource["status"] = "unknown"
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("admin:outcomes_questionnaire_import"),
        {"resource": json.dumps(licensed_resource)},
    )
    assert response.status_code == 200
    assert "status: use draft, active or retired" in response.content.decode()
    assert not Questionnaire.objects.filter(clinic__isnull=False).exists()


def test_admin_questionnaires_are_for_clinic_admins(client, therapist, licensed_resource):
    client.force_login(therapist.user)
    assert client.get(reverse("admin:outcomes_questionnaire_changelist")).status_code == 403
    response = client.post(
        reverse("admin:outcomes_questionnaire_import"),
        {"resource": json.dumps(licensed_resource)},
    )
    assert response.status_code == 404
    assert not Questionnaire.objects.filter(clinic__isnull=False).exists()


def test_admin_shipped_questionnaire_is_read_only_to_staff(client, clinic_admin, nprs):
    client.force_login(clinic_admin.user)
    url = reverse("admin:outcomes_questionnaire_change", args=[nprs.pk])
    response = client.post(url, {"name": "Changed"})
    assert response.status_code == 403
    nprs.refresh_from_db()
    assert nprs.name == "Numeric Pain Rating Scale"


def test_admin_responses_are_read_only_and_scoped(
    client, therapist, other_clinic_therapist, patient, nprs
):
    response = make_response(patient, nprs, 4, days_ago=1)
    client.force_login(therapist.user)
    page = client.get(reverse("admin:outcomes_response_changelist")).content.decode()
    assert str(patient) in page
    url = reverse("admin:outcomes_response_change", args=[response.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"score": "9"}).status_code == 403
    client.force_login(other_clinic_therapist.user)
    page = client.get(reverse("admin:outcomes_response_changelist")).content.decode()
    assert str(patient) not in page
    assert client.get(url).status_code == 302
