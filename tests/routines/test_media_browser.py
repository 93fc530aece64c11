"""In Chromium: the drawings show on the library and the handout (still with reduced motion
and in print), a clinic's video is uploaded through the form and plays from byte ranges, and
axe finds nothing on those pages. MEDIA_SHOTS=<dir> keeps screenshots at 360 and 1280 px."""

import base64
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from routines.models import Exercise, Routine, RoutineStep
from tests import factories
from tests.browser import wait_until
from tests.patients.builtin_library import install_builtin_library

from .media_files import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A second of video recorded by Chromium itself (canvas -> MediaRecorder): a real WebM.
RECORD_WEBM = """async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 160; canvas.height = 90;
  const ctx = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(15), {mimeType: 'video/webm'});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  let frame = 0;
  const draw = () => {
    ctx.fillStyle = frame++ % 2 ? '#0a6' : '#036';
    ctx.fillRect(0, 0, 160, 90);
  };
  draw();
  const timer = setInterval(draw, 60);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start(100);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def media_through_limbers_view(monkeypatch):
    """Django's live server answers MEDIA_URL from MEDIA_ROOT itself, by path, before any
    view: here /media/ must reach Limber's permission-checked view, as in production."""
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)


def shoot(page, name: str) -> None:
    shots = os.environ.get("MEDIA_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots, f"{name}.png")), full_page=True)


def assert_no_axe_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def images_loaded(page, selector: str) -> list[int]:
    return page.eval_on_selector_all(
        selector, "images => images.map(i => i.complete ? i.naturalWidth : 0)"
    )


def box_area(locator) -> float:
    box = locator.bounding_box()
    return 0 if box is None else box["width"] * box["height"]


def daily_back_care(clinic) -> Routine:
    routine = Routine.objects.create(clinic=clinic, name="Back care at home", is_template=True)
    for position, name in enumerate(
        ["Supine lumbar rotation", "Knees to chest", "Child's pose", "Standing forward bend"], 1
    ):
        RoutineStep.objects.create(
            routine=routine,
            exercise=Exercise.objects.get(clinic=None, name=name),
            position=position,
        )
    return routine


def test_library_and_handout_show_the_drawings_and_reduced_motion_shows_the_still(
    browser, live_server, sign_in, therapist
):
    install_builtin_library()
    own = factories.make_exercise(therapist.clinic, name="Wall angel")
    from django.core.files.base import ContentFile

    own.image.save("picture.png", ContentFile(png_bytes((120, 80))), save=True)
    routine = daily_back_care(therapist.clinic)
    child = Exercise.objects.get(clinic=None, name="Child's pose")
    for width in (360, 1280):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        failed = []
        page.on("response", lambda r, failed=failed: r.status >= 400 and failed.append(r.url))
        try:
            sign_in(page, therapist.user)
            page.goto(reverse("routines:exercise_list"))
            page.wait_for_load_state("networkidle")
            thumbs = images_loaded(page, ".exercise-row img")
            assert len(thumbs) == 5, thumbs
            assert all(natural > 0 for natural in thumbs), thumbs
            assert_no_axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shoot(page, f"library-{width}")

            page.goto(reverse("routines:exercise_detail", args=[child.id]))
            page.wait_for_load_state("networkidle")
            drawing = page.locator(".exercise-media svg.illustration-motion")
            assert drawing.is_visible()
            assert box_area(drawing) > 10_000
            assert drawing.get_attribute("aria-label").startswith("Kneeling")
            assert_no_axe_violations(page)
            shoot(page, f"detail-{width}")
            page.emulate_media(reduced_motion="reduce")
            still = page.locator(".exercise-media img.illustration-still")
            assert still.is_visible()
            assert not drawing.is_visible()
            assert images_loaded(page, ".exercise-media img.illustration-still")[0] > 0
            assert_no_axe_violations(page)
            shoot(page, f"detail-reduced-{width}")
            page.emulate_media(reduced_motion="no-preference")

            page.goto(reverse("routines:exercise_detail", args=[own.id]))
            assert images_loaded(page, ".exercise-media img.exercise-picture")[0] == 120

            page.goto(reverse("routines:handout", args=[routine.id]))
            page.wait_for_load_state("networkidle")
            stills = images_loaded(page, ".handout .illustration-still")
            for index in range(4):
                box = page.locator(".handout .illustration-still").nth(index).bounding_box()
                assert abs(box["width"] / box["height"] - 520 / 160) < 0.1, box
            assert len(stills) == 4, stills
            assert all(natural > 0 for natural in stills), stills
            assert page.locator(".handout svg.illustration-motion").count() == 0
            assert_no_axe_violations(page)
            shoot(page, f"handout-{width}")
            page.emulate_media(media="print")
            for index in range(4):
                box = page.locator(".handout .illustration-still").nth(index).bounding_box()
                assert box["width"] * box["height"] > 5_000
                # The drawing keeps its frame's proportions (520 x 160), never letterboxed.
                assert abs(box["width"] / box["height"] - 520 / 160) < 0.1, box
            shoot(page, f"handout-print-{width}")
        finally:
            context.close()
        assert failed == []


def test_video_upload_round_trip_plays_from_byte_ranges(browser, live_server, sign_in, therapist):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    ranges = []
    page.on(
        "response",
        lambda r: "/media/" in r.url and ranges.append((r.request.headers.get("range"), r.status)),
    )
    try:
        webm = base64.b64decode(page.evaluate(RECORD_WEBM))
        assert webm[:4] == b"\x1a\x45\xdf\xa3"
        sign_in(page, therapist.user)
        page.goto(reverse("routines:exercise_create"))
        page.get_by_label("Name — English").fill("Doorway chest stretch")
        page.get_by_label("Body region").select_option("shoulders")
        page.get_by_label("Instructions — English").fill(
            "Forearms on the frame, step through gently."
        )
        page.get_by_label("Default hold (seconds)").fill("20")
        page.get_by_label("Default repetitions").fill("2")
        page.get_by_label("Default sets").fill("1")
        page.locator("#id_video").set_input_files(
            files=[{"name": "clip.webm", "mimeType": "video/webm", "buffer": webm}]
        )
        page.locator("#id_video_poster").set_input_files(
            files=[{"name": "poster.png", "mimeType": "image/png", "buffer": png_bytes((160, 90))}]
        )
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", name="Doorway chest stretch").wait_for()
        exercise = Exercise.objects.get(name="Doorway chest stretch")
        video = page.locator("video.exercise-video")
        assert video.get_attribute("poster") == exercise.video_poster.url
        assert (
            page.locator("video.exercise-video source").get_attribute("src") == exercise.video.url
        )
        wait_until(
            page,
            "() => { const v = document.querySelector('video.exercise-video');"
            " return v.readyState >= 1 || v.error; }",
        )
        state = page.evaluate(
            "() => { const v = document.querySelector('video.exercise-video');"
            " return {ready: v.readyState, error: v.error && v.error.code, muted: v.muted,"
            " paused: v.paused, autoplay: v.autoplay}; }"
        )
        assert state["error"] is None, state
        assert state["ready"] >= 1, state
        assert state["muted"]
        assert state["paused"]
        assert not state["autoplay"]
        page.evaluate("document.querySelector('video.exercise-video').play()")
        wait_until(page, "document.querySelector('video.exercise-video').currentTime > 0")
        assert any(header and status == 206 for header, status in ranges), ranges
        assert_no_axe_violations(page)
        shoot(page, "detail-video-360")
        page.set_viewport_size({"width": 1280, "height": 800})
        shoot(page, "detail-video-1280")
    finally:
        context.close()
