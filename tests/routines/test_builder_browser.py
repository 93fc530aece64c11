"""The builder as one form, in Chromium (issues 14 and 23): build a four-step routine, change
three steps and reorder one by keyboard, save once, reload: every change is there; leaving
with an unsaved change asks first; Add, Move and Remove leave focus on a visible element and
are announced in the live region that was there on load."""

import os

import pytest
from playwright.sync_api import expect

from clinic.models import StaffMember
from routines.models import Routine
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EXERCISES = ("Wall calf stretch", "Doorway chest opener", "Seated neck tilt", "Hamstring reach")


def names(page) -> list[str]:
    return page.locator("#steps [data-row]:not([hidden]) [data-name]").all_inner_texts()


def row(page, name: str):
    return page.locator("#steps > li[data-row]:not([hidden])", has_text=name)


def add(page, name: str) -> None:
    page.get_by_label("Search the library").fill(name.split()[0])
    # The search's answer is announced before the step is added, so it cannot land late and
    # take the place of what the next action announces.
    expect(page.locator("#builder-status")).to_contain_text("match")
    page.get_by_role("button", name=f"Add {name}").click()
    row(page, name).wait_for()


def active_is_visible(page) -> bool:
    """Focus is on an element (not the body) that is inside the viewport."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && box.top >= -1
                && box.bottom <= window.innerHeight + 1;
        }"""
    )


def save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save routine").click()
    page.get_by_text("Routine saved.").wait_for()


def status_text(page) -> str:
    return page.locator("#builder-status").inner_text()


@pytest.fixture
def builder(page, sign_in, live_server):
    clinic = factories.make_clinic("Riverside Physio")
    for name in EXERCISES:
        factories.make_exercise(clinic, name=name, default_hold_seconds=20)
    therapist = factories.make_staff(clinic, role=StaffMember.Role.PHYSIOTHERAPIST)
    sign_in(page, therapist.user)
    page.wait_for_url("**/staff/")
    page.goto("/routines/new/")
    page.get_by_label("Name").fill("Back basics")
    page.get_by_role("button", name="Create and add steps").click()
    page.get_by_role("heading", name="Back basics").wait_for()
    page.wait_for_load_state()
    return page


def test_builder_saves_every_change_once_and_reloads_them(builder):
    page = builder
    assert page.locator("#builder-status[aria-live='polite']").count() == 1
    for name in EXERCISES:
        add(page, name)
        # Focus is on the new step's first field, on screen; the change is announced.
        assert active_is_visible(page)
        assert page.evaluate("document.activeElement.name").endswith("-hold_seconds")
        expect(page.locator("#builder-status")).to_contain_text(f"{name} added")
    assert names(page) == list(EXERCISES)

    # Change three steps (nothing saved yet), then reorder one by keyboard.
    row(page, "Wall calf stretch").get_by_label("Hold (s)").fill("30")
    row(page, "Doorway chest opener").get_by_label("Sets", exact=True).fill("2")
    row(page, "Seated neck tilt").get_by_label("Note for the patient").fill("Slowly")
    page.get_by_role("button", name="Move Hamstring reach up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#steps [data-row] [data-name]").nth(2)).to_have_text("Hamstring reach")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Move Hamstring reach up"
    )
    assert active_is_visible(page)
    expect(page.locator("#builder-status")).to_contain_text("Hamstring reach moved to place 3")
    # The edits typed before the move are still there.
    assert row(page, "Wall calf stretch").get_by_label("Hold (s)").input_value() == "30"

    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/builder-360.png", full_page=True)
    save(page)
    page.reload()
    expected = ["Wall calf stretch", "Doorway chest opener", "Hamstring reach", "Seated neck tilt"]
    assert names(page) == expected
    assert row(page, "Wall calf stretch").get_by_label("Hold (s)").input_value() == "30"
    assert row(page, "Doorway chest opener").get_by_label("Sets", exact=True).input_value() == "2"
    assert (
        row(page, "Seated neck tilt").get_by_label("Note for the patient").input_value() == "Slowly"
    )
    # As rendered by the server, the buttons name their step too.
    assert page.get_by_role("button", name="Move Hamstring reach up").inner_text() == "↑ Up"
    routine = Routine.objects.get(name="Back basics")
    steps = routine.steps.filter(archived_at__isnull=True).order_by("position")
    assert [step.exercise.name for step in steps] == expected


def test_builder_asks_before_leaving_with_an_unsaved_change(builder):
    page = builder
    add(page, "Wall calf stretch")
    save(page)
    row(page, "Wall calf stretch").get_by_label("Hold (s)").fill("45")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="Routines").first.click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert row(page, "Wall calf stretch").get_by_label("Hold (s)").input_value() == "45"


def test_builder_preview_asks_to_save_first(builder):
    page = builder
    add(page, "Doorway chest opener")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Preview as the patient sees it").click()
    page.wait_for_url("**/preview/")
    assert "Doorway chest opener" in page.content()
    assert Routine.objects.get(name="Back basics").steps.count() == 1


def test_builder_remove_leaves_focus_on_the_next_step_and_announces_it(builder):
    page = builder
    for name in EXERCISES[:3]:
        add(page, name)
    save(page)
    page.get_by_role("button", name="Remove Doorway chest opener").focus()
    page.keyboard.press("Enter")
    assert names(page) == ["Wall calf stretch", "Seated neck tilt"]
    assert page.evaluate("document.activeElement.textContent").strip().endswith("Seated neck tilt")
    assert active_is_visible(page)
    expect(page.locator("#builder-status")).to_contain_text("Doorway chest opener removed")
    save(page)
    assert names(page) == ["Wall calf stretch", "Seated neck tilt"]


def test_builder_at_1280_and_360_has_no_axe_violations(builder):
    from axe_playwright_python.sync_playwright import Axe

    page = builder
    for name in EXERCISES[:2]:
        add(page, name)
    save(page)
    add(page, EXERCISES[2])  # saved rows and a new one
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/builder-{width}.png", full_page=True)
