"""The exercise library pages: list, search, filters, detail, and the clinic's own exercises."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from routines.models import Exercise
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png_upload(name="pose.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def exercise_data(**overrides) -> dict:
    data = {
        "name_en": "Cat-cow",
        "body_region": "upper_back",
        "kind": "mobility",
        "instructions_en": "On hands and knees, round and then arch the back.",
        "cues_en": "Move with the breath",
        "cautions_en": "",
        "default_hold_seconds": "5",
        "default_repetitions": "8",
        "default_sets": "2",
        "default_sides": "both",
        "video_url": "",
    }
    data.update(overrides)
    return data


def test_library_lists_builtins_and_own_but_not_other_clinics(client, therapist, other_clinic):
    factories.make_exercise(therapist.clinic, name="Our wall stretch")
    factories.make_exercise(other_clinic, name="Their secret stretch")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:exercise_list")).content.decode()
    assert "Child&#x27;s pose" in page
    assert "Our wall stretch" in page
    assert "Their secret stretch" not in page


def test_library_searches_and_filters(client, therapist):
    factories.make_exercise(therapist.clinic, name="Neck tilt", body_region="neck")
    client.force_login(therapist.user)
    url = reverse("routines:exercise_list")
    page = client.get(url, {"q": "knees"}).content.decode()
    assert "Knees to chest" in page
    assert "Child&#x27;s pose" not in page
    page = client.get(url, {"body_region": "neck"}).content.decode()
    assert "Neck tilt" in page
    assert "Knees to chest" not in page
    own = client.get(url, {"source": "own"}).content.decode()
    assert "Neck tilt" in own
    assert "Knees to chest" not in own
    builtin = client.get(url, {"source": "builtin"}).content.decode()
    assert "Neck tilt" not in builtin
    assert "Knees to chest" in builtin


def test_library_list_query_count_does_not_grow(client, therapist, django_assert_max_num_queries):
    for number in range(200):
        factories.make_exercise(therapist.clinic, name=f"Drill {number:03}")
    client.force_login(therapist.user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("routines:exercise_list"))
    assert response.status_code == 200


def test_exercise_detail_shows_cues_cautions_and_prescription(client, therapist):
    exercise = Exercise.objects.get(name="Child's pose")
    client.force_login(therapist.user)
    page = client.get(reverse("routines:exercise_detail", args=[exercise.id])).content.decode()
    assert "Reach long through the fingertips" in page
    assert "Never force a position" in page
    assert "Hold 30 s" in page
    assert "built-in, read-only" in page


def test_exercise_create_stores_the_picture_through_storage(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"), {**exercise_data(), "image": png_upload()}
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Cat-cow")
    assert exercise.clinic == therapist.clinic
    assert exercise.image.name.startswith("exercises/")
    assert default_storage.exists(exercise.image.name)


def test_exercise_create_refuses_a_file_that_is_not_an_image(client, therapist):
    client.force_login(therapist.user)
    fake = SimpleUploadedFile("pose.png", b"#!/bin/sh\necho hi\n", content_type="image/png")
    response = client.post(reverse("routines:exercise_create"), {**exercise_data(), "image": fake})
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF picture." in response.content.decode()
    assert not Exercise.objects.filter(name="Cat-cow").exists()


def test_exercise_create_refuses_a_picture_that_is_too_large(client, therapist, monkeypatch):
    monkeypatch.setattr("routines.media.validators.PICTURE_MAX_BYTES", 100)
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"),
        {**exercise_data(), "image": png_upload(size=(400, 400))},
    )
    assert response.status_code == 400
    assert "the largest allowed is" in response.content.decode()
    assert not Exercise.objects.filter(name="Cat-cow").exists()


def test_exercise_create_refuses_a_real_image_of_another_format(client, therapist):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    bmp = SimpleUploadedFile("pose.bmp", buffer.getvalue(), content_type="image/bmp")
    client.force_login(therapist.user)
    response = client.post(reverse("routines:exercise_create"), {**exercise_data(), "image": bmp})
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF picture." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("default_hold_seconds", "0"), ("default_hold_seconds", "601"), ("default_sets", "11")],
)
def test_exercise_create_refuses_out_of_range_defaults(client, therapist, field, value):
    client.force_login(therapist.user)
    response = client.post(reverse("routines:exercise_create"), exercise_data(**{field: value}))
    assert response.status_code == 400
    assert "Ensure this value is" in response.content.decode()
    assert not Exercise.objects.filter(name="Cat-cow").exists()


def test_exercise_create_refuses_a_name_already_in_the_library(client, therapist):
    factories.make_exercise(therapist.clinic, name="Cat-cow")
    client.force_login(therapist.user)
    response = client.post(reverse("routines:exercise_create"), exercise_data(name_en="cat-COW"))
    assert response.status_code == 400
    assert "already has an exercise with this name" in response.content.decode()


def test_exercise_update_changes_own_exercise(client, therapist):
    exercise = factories.make_exercise(therapist.clinic, name="Old name")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_update", args=[exercise.id]), exercise_data(name_en="New name")
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.name == "New name"
    assert exercise.default_repetitions == 8


def test_builtin_exercise_cannot_be_edited(client, therapist):
    exercise = Exercise.objects.get(name="Child's pose")
    client.force_login(therapist.user)
    url = reverse("routines:exercise_update", args=[exercise.id])
    assert client.get(url).status_code == 404
    assert client.post(url, exercise_data()).status_code == 404
    exercise.refresh_from_db()
    assert exercise.name == "Child's pose"
