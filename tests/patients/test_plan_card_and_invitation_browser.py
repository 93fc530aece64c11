"""In Chromium (issue 14): "End" asks first and an ended plan offers neither Pause nor End;
"Copy link" copies the invitation link; choosing "without a password" hides the username
and password fields; no axe violations at 360 and 1280."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from patients.models import Assignment
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def no_violations(page, name: str) -> None:
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/{name}-{width}.png", full_page=True)


def test_end_asks_first_and_an_ended_plan_offers_neither_pause_nor_end(page, sign_in):
    clinic = factories.make_clinic()
    therapist = factories.make_staff(clinic)
    patient = factories.make_patient(clinic, therapist, first_name="Nina")
    assignment = factories.make_assignment(patient)
    sign_in(page, therapist.user)
    page.goto(f"/staff/patients/{patient.id}/")
    plan = page.locator(f"article[aria-labelledby='plan-{assignment.id}']")
    plan.get_by_text("End…").click()
    assert "Everything recorded stays" in plan.inner_text()
    no_violations(page, "plan-end")
    assert Assignment.objects.get(id=assignment.id).ends_on is None  # asked, not ended
    plan.get_by_role("button", name=f"End {assignment.routine.name} now").click()
    page.get_by_text("ends today").wait_for()
    plan = page.locator(f"article[aria-labelledby='plan-{assignment.id}']")
    assert plan.get_by_role("button", name="Pause").count() == 0
    assert plan.get_by_text("End…").count() == 0
    assert Assignment.objects.get(id=assignment.id).ends_on == clinic.today()


def test_invitation_link_is_copied_and_the_passwordless_choice_hides_the_fields(
    browser, live_server, page, sign_in
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    clinic = factories.make_clinic()
    therapist = factories.make_staff(clinic)
    patient = factories.make_patient(clinic, therapist, first_name="Nina", account=False)
    sign_in(page, therapist.user)
    page.goto(f"/staff/patients/{patient.id}/")
    page.get_by_role("button", name="Create invitation").click()
    link = page.get_by_label("Invitation link").input_value()
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    no_violations(page, "invitation")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    phone = context.new_page()
    try:
        phone.goto(link)
        assert phone.get_by_label("Username", exact=True).is_visible()
        phone.get_by_label("Stay signed in on this device, without a password").check()
        assert not phone.get_by_label("Username", exact=True).is_visible()
        assert not phone.get_by_label("Password", exact=True).is_visible()
        phone.get_by_label("With a username and password").check()
        assert phone.get_by_label("Username", exact=True).is_visible()
    finally:
        context.close()
