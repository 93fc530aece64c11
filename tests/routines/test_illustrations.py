"""The drawings of the built-in stretches: safe, complete SVG files, and a page that shows them
moving on screen and still with reduced motion and in print."""

import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.templatetags.static import static
from PIL import Image

from routines.media.illustrations import ILLUSTRATIONS, illustration_for
from routines.migrations import __path__ as migrations_path
from routines.models import Exercise
from tests import factories

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
BUILTIN_NAMES = [
    "Supine lumbar rotation",
    "Knees to chest",
    "Child's pose",
    "Standing forward bend",
]


def svg_root(exercise: Exercise) -> ET.Element:
    illustration = illustration_for(exercise)
    assert illustration is not None, exercise.name
    path = finders.find(illustration.path)
    assert path, illustration.path
    return ET.fromstring(Path(path).read_bytes())


def test_every_builtin_exercise_has_an_illustration_and_alt_text():
    builtins = Exercise.objects.filter(clinic=None)
    assert sorted(builtins.values_list("name", flat=True)) == sorted(BUILTIN_NAMES)
    for exercise in builtins:
        illustration = illustration_for(exercise)
        assert illustration is not None, exercise.name
        assert len(str(illustration.alt)) > 60, exercise.name


def test_illustration_files_are_svg_with_a_title_and_both_positions():
    for exercise in Exercise.objects.filter(clinic=None):
        root = svg_root(exercise)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("viewBox") == "0 0 520 160"
        assert root.find(f"{SVG}title").text.strip() == exercise.name
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        for group in ("floor", "start", "end"):
            assert ids[group].tag == f"{SVG}g", (exercise.name, group)
            assert len(ids[group]) > 5 or group == "floor", (exercise.name, group)
        assert ids["end-view"].tag == f"{SVG}view"


def test_illustration_files_carry_no_script_handlers_styles_or_outside_references():
    for exercise in Exercise.objects.filter(clinic=None):
        root = svg_root(exercise)
        for element in root.iter():
            tag = element.tag.removeprefix(SVG)
            assert tag not in {"script", "style", "foreignObject", "image", "a"}, exercise.name
            for name, value in element.attrib.items():
                local = name.rsplit("}", 1)[-1]
                assert not local.lower().startswith("on"), (exercise.name, name)
                assert local != "style", (exercise.name, name)
                if local == "href":
                    assert value.startswith("#"), (exercise.name, value)
                assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value), value
                assert "javascript:" not in value.lower(), value


def test_illustration_for_a_clinic_exercise_is_none(clinic):
    exercise = factories.make_exercise(clinic, name="Child's pose")
    assert illustration_for(exercise) is None


def test_illustration_mapping_only_names_existing_builtins():
    source = (Path(migrations_path[0]) / "0002_builtin_library.py").read_text()
    for slug in ILLUSTRATIONS:
        assert finders.find(f"limber/exercises/{slug}.svg"), slug
    assert len(ILLUSTRATIONS) == len(BUILTIN_NAMES)
    for name in BUILTIN_NAMES:
        assert f'"name": "{name}"' in source


def render(exercise: Exercise, variant: str = "motion") -> str:
    template = Template("{% load illustrations %}{% exercise_illustration exercise variant %}")
    return template.render(Context({"exercise": exercise, "variant": variant}))


def test_illustration_tag_renders_the_animated_and_still_pictures():
    exercise = Exercise.objects.get(clinic=None, name="Knees to chest")
    html = render(exercise)
    url = static("limber/exercises/knees-to-chest.svg")
    assert f'href="{url}#start"' in html
    assert f'href="{url}#end"' in html
    assert f'<img class="illustration-still" src="{url}"' in html
    for forbidden in ("style=", "<style", "<script"):
        assert forbidden not in html
    assert html.count("Lying on the back with knees bent") == 2
    thumb = render(exercise, "thumb")
    assert f'src="{url}#end-view"' in thumb
    assert "<svg" not in thumb
    still = render(exercise, "still")
    assert "<svg" not in still
    assert "illustration-still" in still


def test_illustration_tag_can_mark_a_thumbnail_decorative():
    exercise = Exercise.objects.get(clinic=None, name="Child's pose")
    thumb = Template('{% load illustrations %}{% exercise_illustration exercise "thumb" alt="" %}')
    html = thumb.render(Context({"exercise": exercise}))
    assert 'alt=""' in html
    assert "Kneeling" not in html
    motion = Template('{% load illustrations %}{% exercise_illustration exercise alt="" %}')
    html = motion.render(Context({"exercise": exercise}))
    assert 'aria-hidden="true"' in html
    assert 'role="img"' not in html


def test_illustration_tag_renders_nothing_for_a_clinic_exercise(clinic):
    exercise = factories.make_exercise(clinic, name="Wall angel")
    assert render(exercise).strip() == ""


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Illustrations</title>
<link rel="stylesheet" href="{limber_css}">
<link rel="stylesheet" href="{illustrations_css}">
</head><body><main><h1>Illustrations</h1>{body}</main></body></html>"""


def inked_share(png: bytes) -> float:
    """The share of pixels that are not (near) white: a drawing, not an empty box."""
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:200]) / (image.width * image.height)


def look_at_illustrations(browser, base_url: str, html: str, width: int, names: list[str]):
    """Open the page at one width, in each of screen, reduced motion and print."""
    shots = os.environ.get("ILLUSTRATION_SHOTS")
    problems = []

    def on_console(message):
        # CSP refusals and script errors reach the console; failed loads are seen below.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(message.text)

    def on_response(response):
        if response.status >= 400 and "favicon" not in response.url:
            problems.append(response.url)

    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", on_response)
    try:
        # A page of the app itself, so that its Content-Security-Policy governs what follows.
        page.goto("/login/")
        page.set_content(html)
        page.wait_for_load_state("networkidle")
        for mode in ("no-preference", "reduce", "print"):
            if mode == "print":
                page.emulate_media(media="print", reduced_motion="no-preference")
            else:
                page.emulate_media(media="screen", reduced_motion=mode)
            moving = page.locator(".illustration-motion")
            still = page.locator(".illustration-still")
            assert moving.count() == still.count() == len(names)
            for index, name in enumerate(names):
                shown, hidden = (moving, still) if mode == "no-preference" else (still, moving)
                assert shown.nth(index).is_visible(), (mode, name)
                assert not hidden.nth(index).is_visible(), (mode, name)
                png = shown.nth(index).screenshot(animations="disabled")
                assert inked_share(png) > 0.04, (mode, name)
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    Path(shots, f"{name}-{width}-{mode}.png").write_bytes(png)
            if mode != "print":
                results = Axe().run(page)
                assert results.violations_count == 0, results.generate_report()
            if mode == "no-preference":
                animations = page.eval_on_selector_all(
                    ".illustration-start, .illustration-end",
                    "uses => uses.map(u => getComputedStyle(u).animationName)",
                )
                assert animations == ["illustration-start", "illustration-end"] * len(names)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_illustrations_move_on_screen_and_stand_still_with_reduced_motion_and_in_print(
    browser, live_server
):
    """Served under the app's CSP, the page fades the two positions into each other; reduced
    motion and print show the side-by-side still. ILLUSTRATION_SHOTS=<dir> keeps the
    screenshots to look at."""
    from tests.patients.builtin_library import install_builtin_library

    install_builtin_library()
    exercises = list(Exercise.objects.filter(clinic=None).order_by("name"))
    body = "".join(f"<h2>{e.name}</h2>{render(e)}" for e in exercises)
    html = PAGE.format(
        limber_css=static("limber/limber.css"),
        illustrations_css=static("limber/illustrations.css"),
        body=body,
    )
    names = [illustration_for(e).slug for e in exercises]
    for width in (360, 1280):
        look_at_illustrations(browser, live_server.url, html, width, names)
