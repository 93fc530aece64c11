"""A new physiotherapist's first minutes, in a real browser on a phone-sized screen."""

import os

import pytest
from playwright.sync_api import expect

from clinic.models import StaffMember
from patients.models import Assignment
from tests import factories
from tests.patients.builtin_library import install_builtin_library

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PATIENT_PASSWORD = "knees-to-chest-daily"


def add_step(page, query: str, name: str) -> None:
    # htmx listens for typing once the page has loaded; typing earlier is never searched.
    page.wait_for_load_state()
    page.get_by_label("Search the library").fill(query)
    page.get_by_role("button", name=f"Add {name}").click()
    page.locator("#steps").get_by_role("heading", name=name).wait_for()


def step_names(page) -> list[str]:
    return page.locator("#steps [data-row]:not([hidden]) [data-name]").all_inner_texts()


def test_new_physiotherapist_builds_assigns_and_invites(browser, live_server, page, sign_in):
    install_builtin_library()
    clinic = factories.make_clinic("Riverside Physio")
    therapist = factories.make_staff(clinic, role=StaffMember.Role.PHYSIOTHERAPIST)
    sign_in(page, therapist.user)
    page.get_by_role("heading", name="Your patients").wait_for()

    # Build a three-step routine from the library.
    page.get_by_role("link", name="Routines").click()
    page.get_by_role("link", name="New routine").click()
    page.get_by_label("Name").fill("Back basics")
    page.get_by_role("button", name="Create and add steps").click()
    page.get_by_role("heading", name="Back basics").wait_for()
    add_step(page, "knees", "Knees to chest")
    add_step(page, "child", "Child's pose")
    add_step(page, "rotation", "Supine lumbar rotation")
    assert step_names(page) == ["Knees to chest", "Child's pose", "Supine lumbar rotation"]

    # One form: a wrong value refuses the whole save and keeps every edit.
    knees = page.locator("#steps > li", has=page.get_by_role("heading", name="Knees to chest"))
    knees.get_by_label("Hold (s)").fill("0")
    page.get_by_role("button", name="Save routine").click()
    page.get_by_role("alert").filter(has_text="nothing was saved").wait_for()
    knees = page.locator("#steps > li", has=page.get_by_role("heading", name="Knees to chest"))
    assert "greater than or equal to 1" in knees.inner_text()
    knees.get_by_label("Hold (s)").fill("30")

    # Reorder by keyboard: focus "move up" and press Enter; then save once.
    page.get_by_role("button", name="Move Supine lumbar rotation up").focus()
    page.keyboard.press("Enter")
    # Wait through a locator: a string predicate would be eval()ed, which the CSP forbids.
    expect(page.locator("#steps [data-row] [data-name]").nth(1)).to_contain_text("Supine")
    page.get_by_role("button", name="Save routine").click()
    page.get_by_text("Routine saved.").wait_for()
    assert step_names(page) == ["Knees to chest", "Supine lumbar rotation", "Child's pose"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/builder.png", full_page=True)

    # A new patient, on it from today on Monday, Wednesday and Friday.
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Add a patient").click()
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Berg")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Nina Berg").wait_for()
    page.get_by_role("link", name="Assign a routine").click()
    page.get_by_label("Routine").select_option(label="Back basics")
    assert page.get_by_label("Start date").input_value() == clinic.today().isoformat()
    for day in ("Monday", "Wednesday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("heading", name="Back basics").wait_for()
    assignment = Assignment.objects.get(patient__first_name="Nina")
    assert assignment.weekdays == 0b0010101
    assert assignment.starts_on == clinic.today()
    assert assignment.routine.name == "Back basics"

    page.get_by_role("button", name="Create invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    assert "/invite/" in link
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['SCREENSHOTS']}/invite.png", full_page=True)

    # The patient, on their own phone.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        phone.goto(link)
        phone.get_by_role("heading", name="Welcome, Nina").wait_for()
        phone.get_by_label("With a username and password").check()
        phone.get_by_label("Username", exact=True).fill("nina")
        phone.get_by_label("Password", exact=True).fill(PATIENT_PASSWORD)
        phone.get_by_label("Password again").fill(PATIENT_PASSWORD)
        phone.get_by_role("button", name="Start").click()
        phone.get_by_role("heading", name="Hello Nina").wait_for()
        assert phone.get_by_role("region", name="Back basics").is_visible()
        phone.get_by_role("link", name="See the exercises").click()
        plan = phone.get_by_role("region", name="Back basics")
        assert "Hold 30 s" in plan.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
