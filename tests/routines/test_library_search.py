"""Library search (issue 14): an empty search lists the library; a search matches name, body
region, kind and cues in any case and with or without accents; fixed queries at 300
exercises; on PostgreSQL a trigram index serves it."""

import pytest
from django.db import connection
from django.urls import reverse

from routines.library.selectors import exercises_for_clinic
from routines.models import Exercise
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(clinic):
    return {
        "rotation": factories.make_exercise(
            clinic, name="Lumbar rotation", body_region="lower_back", cues="Knees together"
        ),
        "pose": factories.make_exercise(clinic, name="Kneeling reach", body_region="lower_back"),
        "neck": factories.make_exercise(
            clinic, name="Étirement du cou", body_region="neck", kind="mobility"
        ),
        "hips": factories.make_exercise(
            clinic, name="Hip opener", body_region="hips", cues="Breathe out slowly"
        ),
    }


def names(clinic, q: str) -> set[str]:
    return {e.name for e in exercises_for_clinic(clinic=clinic, q=q) if e.clinic_id == clinic.id}


def test_library_search_empty_lists_everything(clinic, library):
    assert names(clinic, "") == {e.name for e in library.values()}


def test_library_search_matches_the_body_region(clinic, library):
    assert names(clinic, "back") == {"Lumbar rotation", "Kneeling reach"}


def test_library_search_ignores_case_and_accents(clinic, library):
    # "Étirement" alone is also every stretch's kind in French (the search reads both languages).
    assert names(clinic, "ETIREMENT COU") == {"Étirement du cou"}
    assert names(clinic, "étirement cou") == {"Étirement du cou"}


def test_library_search_matches_kind_and_cues(clinic, library):
    assert names(clinic, "mobility") == {"Étirement du cou"}
    assert names(clinic, "breathe") == {"Hip opener"}
    assert names(clinic, "knees lumbar") == {"Lumbar rotation"}


def test_library_search_keeps_the_text_current_on_save(clinic, library):
    exercise = library["hips"]
    exercise.cues = "Squeeze the glutes"
    exercise.save(update_fields=["cues"])
    assert names(clinic, "glutes") == {"Hip opener"}


def test_builder_empty_search_lists_the_library(client, therapist, clinic, library):
    routine = factories.make_routine(clinic, steps=0, is_template=False)
    client.force_login(therapist.user)
    page = client.get(reverse("routines:builder", args=[routine.id])).content.decode()
    for exercise in library.values():
        assert f"Add {exercise.name}" in page


def test_builder_search_for_back_finds_the_lower_back_stretches(client, therapist, clinic, library):
    routine = factories.make_routine(clinic, steps=0, is_template=False)
    client.force_login(therapist.user)
    response = client.get(
        reverse("routines:step_search", args=[routine.id]), {"q": "Back"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "Add Lumbar rotation" in page
    assert "Add Kneeling reach" in page
    assert "Add Hip opener" not in page


def test_library_search_query_budget_at_300_exercises(
    client, therapist, clinic, django_assert_max_num_queries
):
    for number in range(300):
        factories.make_exercise(clinic, name=f"Stretch {number:03}", body_region="legs")
    routine = factories.make_routine(clinic, steps=0, is_template=False)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("routines:exercise_list"), {"q": "legs"})
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("routines:step_search", args=[routine.id]),
            {"q": "stretch"},
            HTTP_HX_REQUEST="true",
        )
    assert "Showing 20 of 30" in response.content.decode()  # 300 and the built-in stretches
    with django_assert_max_num_queries(10):
        client.get(reverse("routines:builder", args=[routine.id]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_library_search_has_a_trigram_index_on_postgresql(clinic, library):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'exercise_search_trgm_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    assert Exercise.objects.filter(search_text__contains="back").count() >= 2
