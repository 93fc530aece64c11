"""Uploading a clinic exercise's video and poster: through the page, the API and the admin,
checked by content and size; what is refused leaves nothing behind; replacing media never
touches a recorded session."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from routines.models import Exercise
from tests import factories

from .media_files import HEIC, PDF, QUICKTIME, mp4_bytes, png_bytes, webm_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media_root) -> list[str]:
    if not media_root.exists():
        return []
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def exercise_data(**overrides) -> dict:
    data = {
        "name_en": "Doorway chest stretch",
        "body_region": "shoulders",
        "kind": "stretch",
        "instructions_en": "Forearms on the door frame, step through until the chest opens.",
        "cues_en": "",
        "cautions_en": "",
        "default_hold_seconds": "20",
        "default_repetitions": "2",
        "default_sets": "1",
        "default_sides": "both",
        "video_url": "",
    }
    data.update(overrides)
    return data


def test_exercise_form_takes_a_video_and_poster_and_the_page_plays_it(
    client, therapist, media_in_tmp
):
    client.force_login(therapist.user)
    video = upload("my clip.MOV", webm_bytes(body_bytes=3000), "application/octet-stream")
    poster = upload("poster.png", png_bytes(), "image/png")
    response = client.post(
        reverse("routines:exercise_create"),
        exercise_data(video=video, video_poster=poster),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    exercise = Exercise.objects.get(name="Doorway chest stretch")
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.webm", exercise.video.name)
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.png", exercise.video_poster.name)
    assert len(stored_files(media_in_tmp)) == 2
    page = client.get(reverse("routines:exercise_detail", args=[exercise.id])).content.decode()
    video_tag = re.search(r"<video[^>]*>", page).group(0)
    for attribute in ("muted", "loop", "playsinline", "controls", 'preload="metadata"'):
        assert attribute in video_tag
    assert "autoplay" not in page
    assert f'poster="{exercise.video_poster.url}"' in video_tag
    assert f'<source src="{exercise.video.url}" type="video/webm">' in page
    ranged = client.get(exercise.video.url, headers={"Range": "bytes=0-31"})
    assert ranged.status_code == 206
    assert b"".join(ranged.streaming_content) == webm_bytes(body_bytes=3000)[:32]


def test_exercise_form_takes_an_mp4_without_poster(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"),
        exercise_data(video=upload("clip.mp4", mp4_bytes(), "video/mp4")),
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(name="Doorway chest stretch")
    assert exercise.video.name.endswith(".mp4")
    assert not exercise.video_poster
    page = client.get(reverse("routines:exercise_detail", args=[exercise.id])).content.decode()
    assert 'type="video/mp4"' in page
    assert "poster=" not in page


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("clip.mp4", PDF, "video/mp4"),
        ("clip.webm", b"just some text, not a video" * 10, "video/webm"),
        ("photo.mp4", HEIC, "video/mp4"),
        ("clip.mov", QUICKTIME, "video/quicktime"),
        ("clip.webm", png_bytes(), "video/webm"),
    ],
    ids=["pdf", "text", "heic", "quicktime", "png"],
)
def test_exercise_form_refuses_what_is_not_a_video_and_stores_nothing(
    client, therapist, media_in_tmp, name, data, content_type
):
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"),
        exercise_data(
            video=upload(name, data, content_type),
            video_poster=upload("p.png", png_bytes(), "image/png"),
        ),
    )
    assert response.status_code == 400
    assert "This file is not an MP4 or WebM video" in response.content.decode()
    assert not Exercise.objects.filter(name="Doorway chest stretch").exists()
    assert stored_files(media_in_tmp) == []


def test_exercise_form_refuses_an_oversized_video_and_stores_nothing(
    client, settings, therapist, media_in_tmp
):
    settings.EXERCISE_VIDEO_MAX_BYTES = 2000
    exercise = factories.make_exercise(therapist.clinic, name="Neck glide")
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_update", args=[exercise.id]),
        exercise_data(
            name_en="Neck glide",
            video=upload("big.webm", webm_bytes(body_bytes=5000), "video/webm"),
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The video is 4.9\xa0KB; the largest allowed is 2.0\xa0KB." in page
    exercise.refresh_from_db()
    assert not exercise.video
    assert stored_files(media_in_tmp) == []


def test_exercise_form_refuses_a_poster_that_is_not_a_picture(client, therapist, media_in_tmp):
    client.force_login(therapist.user)
    response = client.post(
        reverse("routines:exercise_create"),
        exercise_data(
            video=upload("clip.webm", webm_bytes(), "video/webm"),
            video_poster=upload("poster.png", PDF, "image/png"),
        ),
    )
    assert response.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF picture." in response.content.decode()
    assert stored_files(media_in_tmp) == []


def test_video_uploads_may_exceed_the_request_limit_on_upload_pages_only(
    client, settings, therapist, media_in_tmp
):
    settings.REQUEST_MAX_BYTES = 4000
    settings.EXERCISE_VIDEO_MAX_BYTES = 20000
    client.force_login(therapist.user)
    video = webm_bytes(body_bytes=8000)
    response = client.post(
        reverse("routines:exercise_create"),
        exercise_data(video=upload("clip.webm", video, "video/webm")),
    )
    assert response.status_code == 302
    elsewhere = client.post(
        reverse("routines:routine_create"),
        {"name": "x", "goal": "y" * 6000},
    )
    assert elsewhere.status_code == 413
    too_big = client.post(
        reverse("routines:exercise_create"),
        exercise_data(
            name="Other", video=upload("clip.webm", webm_bytes(body_bytes=30000), "video/webm")
        ),
    )
    assert too_big.status_code == 413
    assert len(stored_files(media_in_tmp)) == 1


def test_replacing_or_clearing_media_keeps_recorded_sessions_whole(
    client, therapist, patient, media_in_tmp, django_capture_on_commit_callbacks
):
    routine = factories.make_routine(therapist.clinic, steps=1)
    exercise = routine.steps.get().exercise
    client.force_login(therapist.user)
    url = reverse("routines:exercise_update", args=[exercise.id])
    data = exercise_data(name=exercise.name)
    client.post(url, {**data, "video": upload("a.webm", webm_bytes(), "video/webm")})
    exercise.refresh_from_db()
    first_video = exercise.video.name
    assignment = factories.make_assignment(patient, routine)
    session = factories.make_finished_session(assignment)
    recorded = list(session.completions.values_list("exercise_name", "hold_seconds"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "video": upload("b.mp4", mp4_bytes(), "video/mp4")})
    exercise.refresh_from_db()
    assert exercise.video.name != first_video
    # The replaced file is gone from storage; nothing recorded pointed at it.
    assert stored_files(media_in_tmp) == [exercise.video.name]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "video-clear": "on"})
    exercise.refresh_from_db()
    assert not exercise.video
    assert stored_files(media_in_tmp) == []
    assert list(session.completions.values_list("exercise_name", "hold_seconds")) == recorded
    client.force_login(patient.user)
    assert client.get(reverse("patients:history")).status_code == 200


# The API: POST /api/v1/exercises/<id>/media/ (multipart).


def media_url(exercise) -> str:
    return reverse("api:exercise-media", args=[exercise.id])


def test_api_media_upload_round_trip(
    client, therapist, media_in_tmp, django_capture_on_commit_callbacks
):
    exercise = factories.make_exercise(therapist.clinic, name="Thread the needle")
    client.force_login(therapist.user)
    response = client.post(
        media_url(exercise),
        {
            "video": upload("clip.webm", webm_bytes(), "video/webm"),
            "video_poster": upload("poster.png", png_bytes(), "image/png"),
            "image": upload("pic.png", png_bytes(colour="olive"), "image/png"),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    exercise.refresh_from_db()
    assert body["video"].endswith(exercise.video.url)
    assert body["video_poster"].endswith(exercise.video_poster.url)
    assert body["image"].endswith(exercise.image.url)
    assert len(stored_files(media_in_tmp)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        cleared = client.post(media_url(exercise), {"remove": ["video", "video_poster"]})
    assert cleared.status_code == 200
    assert cleared.json()["video"] is None
    assert len(stored_files(media_in_tmp)) == 1


def test_api_media_upload_refuses_bad_files_with_field_errors(
    client, settings, therapist, media_in_tmp
):
    settings.EXERCISE_VIDEO_MAX_BYTES = 1000
    exercise = factories.make_exercise(therapist.clinic)
    client.force_login(therapist.user)
    big = client.post(
        media_url(exercise), {"video": upload("a.webm", webm_bytes(body_bytes=4000), "video/webm")}
    )
    assert big.status_code == 400
    assert "largest allowed" in str(big.json())
    fake = client.post(media_url(exercise), {"video": upload("a.webm", PDF, "video/webm")})
    assert fake.status_code == 400
    assert "not an MP4 or WebM video" in str(fake.json())
    assert stored_files(media_in_tmp) == []


def test_api_media_upload_access(client, therapist, colleague, other_clinic_therapist, patient):
    exercise = factories.make_exercise(therapist.clinic)
    builtin = Exercise.objects.filter(clinic=None).first()
    files = lambda: {"video_poster": upload("p.png", png_bytes(), "image/png")}  # noqa: E731
    client.force_login(colleague.user)
    assert client.post(media_url(exercise), files()).status_code == 200
    assert client.post(media_url(builtin), files()).status_code == 403
    client.force_login(other_clinic_therapist.user)
    assert client.post(media_url(exercise), files()).status_code == 404
    client.force_login(patient.user)
    assert client.post(media_url(exercise), files()).status_code == 404
    client.logout()
    assert client.post(media_url(exercise), files()).status_code in (401, 403)


def test_api_schema_documents_the_multipart_upload(client):
    schema = client.get(reverse("api-schema"), headers={"Accept": "application/json"})
    operation = schema.json()["paths"]["/api/v1/exercises/{id}/media/"]["post"]
    body = operation["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema.json()["components"]["schemas"][ref]["properties"]
    assert properties["video"]["format"] == "binary"
    assert properties["video_poster"]["format"] == "binary"


def test_request_body_limit_grows_by_one_video_on_the_upload_urls_only(rf, settings, therapist):
    from clinic.middleware import request_body_limit

    settings.REQUEST_MAX_BYTES = 1000
    settings.EXERCISE_VIDEO_MAX_BYTES = 5000
    exercise = factories.make_exercise(therapist.clinic)
    uploads = [
        reverse("routines:exercise_create"),
        reverse("routines:exercise_update", args=[exercise.id]),
        reverse("api:exercise-media", args=[exercise.id]),
        reverse("admin:routines_exercise_add"),
        reverse("admin:routines_exercise_change", args=[exercise.id]),
    ]
    for url in uploads:
        assert request_body_limit(rf.post(url)) == 6000, url
    others = [
        reverse("routines:routine_create"),
        reverse("api:exercise-detail", args=[exercise.id]),
        reverse("admin:routines_routine_add"),
        "/no/such/page/",
    ]
    for url in others:
        assert request_body_limit(rf.post(url)) == 1000, url


# Where the media show: builder, preview, handout, library list.


def test_builder_preview_and_handout_show_each_exercise_as_they_should(client, therapist):
    from django.core.files.base import ContentFile

    routine = factories.make_routine(therapist.clinic, steps=1)
    own = routine.steps.get().exercise
    own.image.save("picture.png", ContentFile(png_bytes()), save=False)
    own.video.save("video.webm", ContentFile(webm_bytes()), save=False)
    own.save()
    builtin = Exercise.objects.get(clinic=None, name="Knees to chest")
    routine.steps.create(exercise=builtin, position=2)
    client.force_login(therapist.user)
    builder = client.get(reverse("routines:builder", args=[routine.id])).content.decode()
    assert f'<img class="exercise-thumb" src="{own.image.url}" alt=""' in builder
    assert "knees-to-chest.svg?view=end#end-view" in builder
    preview = client.get(reverse("routines:preview", args=[routine.id])).content.decode()
    assert f'<source src="{own.video.url}" type="video/webm">' in preview
    assert 'class="illustration-motion"' in preview
    handout = client.get(reverse("routines:handout", args=[routine.id])).content.decode()
    assert "<video" not in handout
    assert f'src="{own.image.url}"' in handout
    assert 'class="illustration-motion"' not in handout
    assert "knees-to-chest.svg" in handout


def test_library_list_with_pictures_query_count_does_not_grow(
    client, therapist, django_assert_max_num_queries
):
    from django.core.files.base import ContentFile

    picture = png_bytes()
    for number in range(40):
        exercise = factories.make_exercise(therapist.clinic, name=f"Stretch {number:02}")
        exercise.image.save("picture.png", ContentFile(picture), save=True)
    client.force_login(therapist.user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("routines:exercise_list")).content.decode()
    assert page.count('class="exercise-thumb"') == 40
    assert page.count("illustration--thumb") == 4


def test_admin_takes_a_video_with_the_same_checks(
    client, clinic_admin, media_in_tmp, django_capture_on_commit_callbacks
):
    exercise = factories.make_exercise(clinic_admin.clinic, name="Seated twist")
    client.force_login(clinic_admin.user)
    url = reverse("admin:routines_exercise_change", args=[exercise.id])
    assert client.get(url).status_code == 200
    data = {
        "clinic": str(clinic_admin.clinic_id),
        "name_en": "Seated twist",
        "body_region": "lower_back",
        "kind": "stretch",
        "instructions_en": "Sit tall and turn.",
        "cues_en": "",
        "cautions_en": "",
        "default_hold_seconds": "20",
        "default_repetitions": "1",
        "default_sets": "1",
        "default_sides": "both",
        "video_url": "",
        "archived_at_0": "",
        "archived_at_1": "",
    }
    refused = client.post(url, {**data, "video": upload("a.webm", PDF, "video/webm")})
    assert refused.status_code == 200
    assert "This file is not an MP4 or WebM video" in refused.content.decode()
    assert stored_files(media_in_tmp) == []
    saved = client.post(url, {**data, "video": upload("a.webm", webm_bytes(), "video/webm")})
    assert saved.status_code == 302
    exercise.refresh_from_db()
    first = exercise.video.name
    assert re.fullmatch(r"exercises/[0-9a-f]{32}\.webm", first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "video": upload("b.mp4", mp4_bytes(), "video/mp4")})
    exercise.refresh_from_db()
    assert stored_files(media_in_tmp) == [exercise.video.name]
