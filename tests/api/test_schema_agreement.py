"""The API does what its schema says: an optional field may be left out, and a rule of the
stored data (a model constraint) that refuses a value is a field error in words."""

import pytest
from django.apps import apps
from django.db import models

from clinic.api.errors import _constraint_of
from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


def _exercise(**fields) -> dict:
    return {
        "name": "Cat-cow",
        "body_region": "lower_back",
        "instructions": "Slowly.",
        "default_hold_seconds": 20,
        "default_repetitions": 1,
        "default_sets": 1,
        **fields,
    }


def test_patients_post_without_last_name_uses_the_schema_default(api, therapist):
    api.force_authenticate(therapist.user)
    schema = api.get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["PatientInputRequest"]
    assert component["required"] == ["first_name"]
    response = api.post("/api/v1/patients/", {"first_name": "Madonna"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["last_name"] == ""
    assert Patient.objects.get(first_name="Madonna").last_name == ""


def test_patients_page_takes_a_patient_with_one_name(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        "/staff/patients/new/",
        {"first_name": "Madonna", "last_name": "", "physiotherapist": therapist.id},
    )
    assert response.status_code == 302
    assert Patient.objects.filter(first_name="Madonna", last_name="").exists()


def test_exercises_duplicate_name_is_a_field_error_in_words(api, therapist):
    factories.make_exercise(therapist.clinic, name="Cat-cow")
    api.force_authenticate(therapist.user)
    response = api.post("/api/v1/exercises/", _exercise(name="Cat-cow"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Check the fields and try again.",
        "fields": {"name": ["Your library already has an exercise with this name."]},
    }


def test_exercises_rename_onto_another_name_is_a_field_error(api, therapist):
    factories.make_exercise(therapist.clinic, name="Cat-cow")
    other = factories.make_exercise(therapist.clinic, name="Child's pose")
    api.force_authenticate(therapist.user)
    response = api.patch(f"/api/v1/exercises/{other.id}/", {"name": "Cat-cow"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "name": ["Your library already has an exercise with this name."]
    }


def test_every_model_constraint_names_a_field_for_its_violation():
    """Whatever constraint a write breaks, the API can say which field to correct."""
    project = [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("clinic", "patients", "routines", "apitokens")
    ]
    for model in project:
        for constraint in model._meta.constraints:
            message = str(constraint.get_violation_error_message())
            found = _constraint_of(message)
            assert found is not None, constraint.name
            field = found[1]
            assert field is not None, constraint.name
            assert isinstance(model._meta.get_field(field), models.Field), constraint.name
