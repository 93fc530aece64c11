"""/media/<name>: a clinic's pictures and videos reach its staff and its patients and nobody
else; byte ranges are answered 206 so videos stream and seek."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from routines.models import Exercise
from tests import factories

from .media_files import png_bytes, webm_bytes

pytestmark = pytest.mark.django_db

VIDEO = webm_bytes(body_bytes=5000)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def with_media(exercise: Exercise) -> Exercise:
    exercise.image.save("picture.png", ContentFile(png_bytes()), save=False)
    exercise.video.save("video.webm", ContentFile(VIDEO), save=False)
    exercise.video_poster.save("picture.png", ContentFile(png_bytes(colour="navy")), save=False)
    exercise.save()
    return exercise


@pytest.fixture
def clinic_exercise(clinic):
    return with_media(factories.make_exercise(clinic, name="Wall angel"))


def media_urls(exercise: Exercise) -> list[str]:
    return [exercise.image.url, exercise.video.url, exercise.video_poster.url]


def test_media_names_are_random_and_keep_the_checked_extension(clinic_exercise):
    names = [f.name for f in (clinic_exercise.image, clinic_exercise.video)]
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.png", names[0])
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.webm", names[1])
    assert clinic_exercise.video.url == f"/media/{names[1]}"
    second = with_media(factories.make_exercise(clinic_exercise.clinic))
    assert second.image.name != clinic_exercise.image.name


@pytest.mark.parametrize("who", ["therapist", "colleague", "clinic_admin", "patient"])
def test_media_file_is_served_to_the_clinic(client, request, clinic_exercise, who):
    person = request.getfixturevalue(who)
    client.force_login(person.user)
    for url in media_urls(clinic_exercise):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"].startswith("private")
    video = client.get(clinic_exercise.video.url)
    assert b"".join(video.streaming_content) == VIDEO
    assert video["Content-Type"] == "video/webm"
    assert video["Accept-Ranges"] == "bytes"
    assert client.get(clinic_exercise.image.url)["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "who", ["other_clinic_therapist", "other_clinic_admin", "other_clinic_patient"]
)
def test_media_file_is_404_for_another_clinic(client, request, clinic_exercise, who):
    client.force_login(request.getfixturevalue(who).user)
    for url in media_urls(clinic_exercise):
        assert client.get(url).status_code == 404, url


def test_media_file_is_404_for_anonymous_and_archived_patients(client, clinic_exercise, patient):
    for url in media_urls(clinic_exercise):
        assert client.get(url).status_code == 404, url
    patient.archived_at = patient.created_at
    patient.save(update_fields=["archived_at"])
    client.force_login(patient.user)
    assert client.get(clinic_exercise.video.url).status_code == 404


def test_builtin_media_is_for_everyone_signed_in(
    client, other_clinic_therapist, other_clinic_patient, therapist
):
    builtin = Exercise.objects.filter(clinic=None).first()
    with_media(builtin)
    for person in (therapist, other_clinic_therapist, other_clinic_patient):
        client.force_login(person.user)
        assert client.get(builtin.image.url).status_code == 200
    client.logout()
    assert client.get(builtin.image.url).status_code == 404


def test_media_file_unknown_or_replaced_name_is_404(client, therapist, clinic_exercise):
    client.force_login(therapist.user)
    assert client.get("/media/exercises/0123456789abcdef0123456789abcdef.webm").status_code == 404
    assert client.get("/media/../clinic/settings.py").status_code == 404
    old_url = clinic_exercise.video.url
    with_media(clinic_exercise)
    assert client.get(old_url).status_code == 404
    assert client.get(clinic_exercise.video.url).status_code == 200


def test_media_file_answers_a_range_with_206_and_the_right_bytes(client, patient, clinic_exercise):
    client.force_login(patient.user)
    url = clinic_exercise.video.url
    response = client.get(url, headers={"Range": "bytes=100-299"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-299/{len(VIDEO)}"
    assert response["Content-Length"] == "200"
    assert response["Content-Type"] == "video/webm"
    assert b"".join(response.streaming_content) == VIDEO[100:300]
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == VIDEO[-10:]
    open_ended = client.get(url, headers={"Range": f"bytes={len(VIDEO) - 5}-"})
    assert b"".join(open_ended.streaming_content) == VIDEO[-5:]


def test_media_file_refuses_a_range_past_the_end_with_416(client, patient, clinic_exercise):
    client.force_login(patient.user)
    response = client.get(clinic_exercise.video.url, headers={"Range": "bytes=999999-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_media_file_sends_everything_when_if_range_is_stale(client, patient, clinic_exercise):
    client.force_login(patient.user)
    url = clinic_exercise.video.url
    etag = client.get(url)["ETag"]
    current = client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert current.status_code == 206
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200
    assert b"".join(stale.streaming_content) == VIDEO
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_media_file_head_gives_the_size_without_the_body(client, patient, clinic_exercise):
    client.force_login(patient.user)
    response = client.head(clinic_exercise.video.url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response["Content-Length"] == "100"
    assert response.content == b""


def test_media_file_query_count_is_small(
    client, patient, clinic_exercise, django_assert_max_num_queries
):
    client.force_login(patient.user)
    with django_assert_max_num_queries(5):
        assert client.get(clinic_exercise.image.url).status_code == 200


S3 = {
    "BACKEND": "routines.media.storage.PrivateS3Storage",
    "OPTIONS": {
        "bucket_name": "limber-test-media",
        "region_name": "eu-west-1",
        "signature_version": "s3v4",
        "access_key": "AKIAEXAMPLEEXAMPLE00",
        "secret_key": "not-a-real-secret-not-a-real-secret-0000",
        "querystring_auth": True,
        "file_overwrite": False,
    },
}


def test_media_on_object_storage_redirects_the_allowed_to_a_short_lived_link(
    client, settings, clinic, therapist, other_clinic_therapist
):
    settings.STORAGES = {**settings.STORAGES, "default": S3}
    settings.MEDIA_URL_EXPIRY_SECONDS = 120
    exercise = factories.make_exercise(clinic, name="Doorway stretch")
    name = "exercises/0123456789abcdef0123456789abcdef.webm"
    Exercise.objects.filter(id=exercise.id).update(video=name)
    exercise.refresh_from_db()
    # Pages link to Limber's own view, never straight to the bucket.
    assert exercise.video.url == f"/media/{name}"
    client.force_login(therapist.user)
    response = client.get(exercise.video.url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://limber-test-media.s3")
    assert name in location
    assert "X-Amz-Expires=120" in location
    assert "X-Amz-Signature=" in location
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(other_clinic_therapist.user)
    assert client.get(exercise.video.url).status_code == 404
    client.logout()
    assert client.get(exercise.video.url).status_code == 404


def test_media_route_is_not_a_public_file_server(client, settings, therapist):
    """Nothing under MEDIA_ROOT is served by its path alone: only a file an exercise owns."""
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "stray.png").write_bytes(png_bytes())
    client.force_login(therapist.user)
    assert client.get("/media/stray.png").status_code == 404
    assert reverse("media_file", args=["stray.png"]) == "/media/stray.png"
