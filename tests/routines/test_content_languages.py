"""Content in both languages (issue 20): the built-in library, the starter template and the
shipped questionnaires read in the request's language; a clinic's own exercise falls back to
the language it was written in; the library search finds either language's name; the
exercise page, the API and the admin take a translation; copies keep every language."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from routines.builder.services import routine_copy
from routines.library.selectors import exercises_for_clinic
from routines.models import Exercise, Routine
from tests import factories

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-ca"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def builtin(english_name: str) -> Exercise:
    return Exercise.objects.get(clinic=None, name_en=english_name)


def template() -> Routine:
    return Routine.objects.get(clinic=None, name_en="Daily back care")


def form_data(**overrides) -> dict:
    data = {
        "name_en": "Bridge",
        "name_fr_ca": "Pont",
        "body_region": "lower_back",
        "kind": "strength",
        "instructions_en": "Lie on your back and lift the hips.",
        "instructions_fr_ca": "Couchez-vous sur le dos et soulevez les hanches.",
        "cues_en": "Squeeze the glutes",
        "cues_fr_ca": "Serrez les fessiers",
        "cautions_en": "",
        "cautions_fr_ca": "",
        "default_hold_seconds": "5",
        "default_repetitions": "10",
        "default_sets": "2",
        "default_sides": "both",
        "video_url": "",
    }
    data.update(overrides)
    return data


# The built-ins, the template and the questionnaires in the request's language.


def test_builtin_exercise_page_is_french_for_a_french_request(client, therapist):
    client.force_login(therapist.user)
    url = reverse("routines:exercise_detail", args=[builtin("Child's pose").id])
    french = client.get(url, **FRENCH).content.decode()
    english = client.get(url, **ENGLISH).content.decode()
    assert "Posture de l&#x27;enfant" in french
    assert "Laissez le front reposer sur le sol ou sur un coussin." in french
    assert "Arrêtez et avisez votre physiothérapeute" in french
    assert "Child&#x27;s pose" not in french
    assert "Child&#x27;s pose" in english
    assert "Let your forehead rest on the floor or a cushion." in english
    assert "Posture de l&#x27;enfant" not in english


def test_every_builtin_exercise_and_the_template_have_both_languages():
    for exercise in Exercise.objects.filter(clinic=None):
        for field in ("name", "instructions", "cues", "cautions"):
            assert getattr(exercise, f"{field}_en"), (exercise, field)
            assert getattr(exercise, f"{field}_fr_ca"), (exercise, field)
            assert getattr(exercise, f"{field}_en") != getattr(exercise, f"{field}_fr_ca")
    with translation.override("fr-ca"):
        assert template().name == "Soins quotidiens du dos"
        assert template().goal.startswith("Garder le bas du dos souple")
    with translation.override("en"):
        assert template().name == "Daily back care"


def test_patient_plan_of_the_template_reads_in_the_patients_language(client, patient):
    assignment = factories.make_assignment(patient, template())
    client.force_login(patient.user)
    french = client.get(reverse("patients:plan"), **FRENCH).content.decode()
    english = client.get(reverse("patients:plan"), **ENGLISH).content.decode()
    assert "Soins quotidiens du dos" in french
    assert "Rotation lombaire sur le dos" in french
    assert "Daily back care" in english
    assert "Supine lumbar rotation" in english
    assert assignment.routine.name_fr_ca == "Soins quotidiens du dos"


def test_player_shows_the_french_exercise_text(client, patient):
    assignment = factories.make_assignment(patient, template())
    client.force_login(patient.user)
    response = client.post(reverse("patients:start", args=[assignment.id]), **FRENCH)
    assert response.status_code == 302
    page = client.get(response.url, **FRENCH).content.decode()
    assert "Genoux à la poitrine" in page
    assert "Gardez les deux épaules appuyées au sol." in page
    page = client.get(response.url, **ENGLISH).content.decode()
    assert "Knees to chest" in page


# Fallback: a text missing (or empty) in the reader's language shows the other one.


def test_clinic_exercise_in_english_only_falls_back_to_english(client, therapist):
    exercise = factories.make_exercise(therapist.clinic, name="Wall angel", cues="Slowly")
    client.force_login(therapist.user)
    page = client.get(
        reverse("routines:exercise_detail", args=[exercise.id]), **FRENCH
    ).content.decode()
    assert "Wall angel" in page
    assert "Slowly" in page


def test_clinic_exercise_in_french_only_falls_back_to_french_in_english():
    clinic = factories.make_clinic()
    exercise = Exercise.objects.create(
        clinic=clinic,
        name_fr_ca="Pont",
        instructions_fr_ca="Soulevez les hanches.",
        body_region="lower_back",
    )
    with translation.override("en"):
        exercise = Exercise.objects.get(id=exercise.id)
        assert exercise.name == "Pont"
        assert exercise.instructions == "Soulevez les hanches."


def test_an_empty_translation_falls_back_too():
    clinic = factories.make_clinic()
    exercise = factories.make_exercise(
        clinic, name="Bridge", cues="Breathe", instructions_fr_ca="", cues_fr_ca=""
    )
    exercise = Exercise.objects.get(id=exercise.id)
    with translation.override("fr-ca"):
        assert exercise.name == "Bridge"
        assert exercise.instructions == "Do it gently."
        assert exercise.cue_list() == ["Breathe"]


# The library search finds either language's name.


@pytest.mark.parametrize("language", ["en", "fr-ca"])
@pytest.mark.parametrize("q", ["child's pose", "posture de l'enfant", "POSTURE enfant"])
def test_library_search_finds_a_builtin_by_either_languages_name(clinic, language, q):
    with translation.override(language):
        found = {e.name_en for e in exercises_for_clinic(clinic=clinic, q=q)}
    assert found == {"Child's pose"}


def test_library_search_finds_a_clinics_translation(client, therapist):
    factories.make_exercise(therapist.clinic, name="Bridge", name_fr_ca="Pont fessier")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:exercise_list"), {"q": "fessier"}, **ENGLISH)
    assert "Bridge" in page.content.decode()
    api = APIClient()
    api.force_authenticate(therapist.user)
    rows = api.get("/api/v1/exercises/", {"q": "pont"}).json()["results"]
    assert [row["name_fr_ca"] for row in rows] == ["Pont fessier"]


def test_library_lists_an_untranslated_exercise_in_its_place(clinic):
    factories.make_exercise(clinic, name="Abdominal brace")
    with translation.override("fr-ca"):
        names = [e.name for e in exercises_for_clinic(clinic=clinic)]
    assert names == sorted(names)


# The exercise page takes a translation.


def test_exercise_form_shows_each_text_in_both_languages(client, therapist):
    client.force_login(therapist.user)
    page = client.get(reverse("routines:exercise_create"), **ENGLISH).content.decode()
    assert "Name — English" in page
    assert "Name — Français (Canada)" in page
    assert "Instructions — Français (Canada)" in page
    assert 'name="name_fr_ca"' in page
    assert 'lang="fr-ca"' in page


def test_exercise_form_adds_an_exercise_in_both_languages(client, therapist):
    client.force_login(therapist.user)
    response = client.post(reverse("routines:exercise_create"), form_data())
    assert response.status_code == 302
    exercise = Exercise.objects.get(clinic=therapist.clinic, name_en="Bridge")
    assert exercise.name_fr_ca == "Pont"
    assert exercise.cues_fr_ca == "Serrez les fessiers"
    assert "pont" in exercise.search_text


def test_exercise_form_needs_the_clinics_language_not_the_other(client, therapist):
    client.force_login(therapist.user)
    refused = client.post(
        reverse("routines:exercise_create"), form_data(name_en="", instructions_en="")
    )
    assert refused.status_code == 400
    assert not Exercise.objects.filter(name_fr_ca="Pont").exists()
    english_only = form_data(name_fr_ca="", instructions_fr_ca="", cues_fr_ca="")
    assert client.post(reverse("routines:exercise_create"), english_only).status_code == 302
    exercise = Exercise.objects.get(clinic=therapist.clinic, name_en="Bridge")
    assert exercise.name_fr_ca is None
    # A second exercise without French does not collide on the missing French name.
    other = form_data(name_en="Clam", name_fr_ca="", instructions_fr_ca="")
    assert client.post(reverse("routines:exercise_create"), other).status_code == 302


def test_exercise_form_adds_a_translation_to_an_own_exercise(client, therapist, colleague):
    exercise = factories.make_exercise(therapist.clinic, name="Bridge")
    client.force_login(colleague.user)
    url = reverse("routines:exercise_update", args=[exercise.id])
    page = client.get(url).content.decode()
    assert 'value="Bridge"' in page
    response = client.post(
        url, form_data(instructions_en="Do it gently.", cues_en="", cues_fr_ca="")
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert (exercise.name_en, exercise.name_fr_ca) == ("Bridge", "Pont")
    with translation.override("fr-ca"):
        assert exercise.instructions == "Couchez-vous sur le dos et soulevez les hanches."


def test_exercise_form_refuses_a_french_name_taken_in_the_library(client, therapist):
    factories.make_exercise(therapist.clinic, name="Bridge", name_fr_ca="Pont")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"), form_data(name_en="Glute bridge", name_fr_ca="pont")
    )
    assert response.status_code == 400
    assert "Your library already has an exercise with this name." in response.content.decode()


@pytest.mark.parametrize("who", ["other_clinic_therapist", "patient", "anonymous"])
def test_exercise_translation_page_is_the_owners_alone(client, therapist, request, who):
    exercise = factories.make_exercise(therapist.clinic, name="Bridge")
    if who != "anonymous":
        member = request.getfixturevalue(who)
        client.force_login(member.user)
    url = reverse("routines:exercise_update", args=[exercise.id])
    response = client.post(url, form_data(instructions_en="Do it gently."))
    assert response.status_code in ((302,) if who == "anonymous" else (404,))
    if who == "anonymous":
        assert "/login" in response.url or "sign" in response.url
    exercise.refresh_from_db()
    assert exercise.name_fr_ca is None


# The API takes and gives the translations.


def test_api_creates_an_exercise_with_its_translation(therapist):
    api = APIClient()
    api.force_authenticate(therapist.user)
    response = api.post(
        "/api/v1/exercises/",
        {
            "name": "Bridge",
            "name_fr_ca": "Pont",
            "instructions": "Lift the hips.",
            "instructions_fr_ca": "Soulevez les hanches.",
            "body_region": "lower_back",
            "default_hold_seconds": 5,
            "default_repetitions": 10,
            "default_sets": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["name_en"], body["name_fr_ca"]) == ("Bridge", "Bridge", "Pont")
    french = api.get(f"/api/v1/exercises/{body['id']}/", HTTP_ACCEPT_LANGUAGE="fr-ca").json()
    assert french["name"] == "Pont"
    assert french["instructions"] == "Soulevez les hanches."


def test_api_needs_the_clinics_language(therapist):
    api = APIClient()
    api.force_authenticate(therapist.user)
    response = api.post(
        "/api/v1/exercises/",
        {
            "name_fr_ca": "Pont",
            "instructions_fr_ca": "Soulevez les hanches.",
            "body_region": "lower_back",
            "default_hold_seconds": 5,
            "default_repetitions": 10,
            "default_sets": 2,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "name_en" in str(response.json())
    assert not Exercise.objects.filter(name_fr_ca="Pont").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("therapist", 200),
        ("colleague", 200),
        ("other_clinic_therapist", 404),
        ("patient", 404),
        ("anonymous", 401),
    ],
)
def test_api_adds_a_translation_for_the_owner_clinic_only(therapist, request, who, status):
    exercise = factories.make_exercise(therapist.clinic, name="Bridge")
    api = APIClient()
    if who != "anonymous":
        api.force_authenticate(request.getfixturevalue(who).user)
    response = api.patch(
        f"/api/v1/exercises/{exercise.id}/",
        {"name_fr_ca": "Pont", "cues_fr_ca": "Serrez les fessiers"},
        format="json",
    )
    assert response.status_code in ((status,) if status != 401 else (401, 403)), response.content
    exercise.refresh_from_db()
    assert exercise.name_fr_ca == ("Pont" if status == 200 else None)
    assert exercise.name_en == "Bridge"


def test_api_refuses_a_translation_of_a_builtin(therapist):
    api = APIClient()
    api.force_authenticate(therapist.user)
    exercise = builtin("Knees to chest")
    response = api.patch(
        f"/api/v1/exercises/{exercise.id}/", {"name_fr_ca": "Autre"}, format="json"
    )
    assert response.status_code == 403
    exercise.refresh_from_db()
    assert exercise.name_fr_ca == "Genoux à la poitrine"


# The admin shows them.


def test_admin_shows_and_saves_both_languages(client, clinic_admin):
    exercise = factories.make_exercise(clinic_admin.clinic, name="Bridge")
    client.force_login(clinic_admin.user)
    url = reverse("admin:routines_exercise_change", args=[exercise.id])
    page = client.get(url).content.decode()
    assert 'name="name_en"' in page
    assert 'name="name_fr_ca"' in page
    assert "Français (Canada)" in page


# Copies keep every language.


def test_copies_keep_every_language(clinic, patient):
    copy = routine_copy(routine=template(), clinic=clinic, is_template=True)
    assert copy.name_fr_ca == "Soins quotidiens du dos"
    assert copy.goal_fr_ca == template().goal_fr_ca
    plan = factories.make_assignment(patient, template()).routine
    assert (plan.name_en, plan.name_fr_ca) == ("Daily back care", "Soins quotidiens du dos")


def test_duplicate_names_the_copy_in_both_languages(client, therapist):
    client.force_login(therapist.user)
    response = client.post(reverse("routines:duplicate", args=[template().id]))
    assert response.status_code == 302
    copy = Routine.objects.filter(clinic=therapist.clinic).latest("id")
    assert copy.name_en == "Copy of Daily back care"
    # The French catalog words "Copy of"; whatever it says, the French name is in it.
    assert "Soins quotidiens du dos" in copy.name_fr_ca


def test_renaming_in_one_language_clears_the_stale_other(clinic):
    from routines.builder.services import routine_update

    copy = routine_copy(routine=template(), clinic=clinic, is_template=True)
    with translation.override("en"):
        routine_update(routine=copy, name="Evening back care", goal=copy.goal)
    copy.refresh_from_db()
    assert copy.name_en == "Evening back care"
    assert not copy.name_fr_ca
    assert copy.goal_fr_ca  # unchanged, so kept
    with translation.override("fr-ca"):
        assert copy.name == "Evening back care"


# The migrations keep what was written.


def test_migration_puts_existing_text_in_the_english_column(clinic):
    exercise = factories.make_exercise(clinic, name="Old stretch", cues="Gently")
    # As before the migration: the text only in the original column.
    Exercise.objects.rewrite(False).filter(id=exercise.id).update(
        name="Old stretch", name_en=None, cues="Gently", cues_en=None, instructions_en=None
    )
    migration = importlib.import_module("routines.migrations.0009_translations")
    # The models as the migration sees them (no modeltranslation managers).
    state = MigrationLoader(connection).project_state(("routines", "0009_translations"))
    migration.copy_to_english(state.apps, None)
    exercise = Exercise.objects.get(id=exercise.id)
    assert (exercise.name_en, exercise.cues_en) == ("Old stretch", "Gently")
    assert exercise.instructions_en == "Do it gently."


def test_french_migration_keeps_an_operators_own_translation():
    exercise = builtin("Knees to chest")
    Exercise.objects.filter(id=exercise.id).update(name_fr_ca="Genoux sur la poitrine")
    migration = importlib.import_module("routines.migrations.0010_builtin_library_french")
    migration.add_french(apps, None)
    exercise.refresh_from_db()
    assert exercise.name_fr_ca == "Genoux sur la poitrine"
    assert "genoux sur la poitrine" in exercise.search_text


def test_a_name_taken_in_the_other_language_is_a_message_not_an_error(client, therapist):
    with translation.override("fr-ca"):
        factories.make_exercise(therapist.clinic, name_en="Bridge", name_fr_ca="Pont")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"), form_data(name_en="Pont", name_fr_ca="")
    )
    assert response.status_code in (302, 400)
