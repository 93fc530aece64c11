"""The staff home page and a patient's progress in a real browser: keyboard and axe."""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

DAY = datetime.timedelta(days=1)
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def lapsing(clinic, therapist):
    patient = factories.make_patient(clinic, therapist, first_name="Hugo", last_name="Lapse")
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 14 * DAY)
    for days_ago in range(14, 6, -1):
        moment = datetime.datetime.combine(
            clinic.today() - days_ago * DAY, datetime.time(8), clinic.zone
        )
        factories.make_finished_session(assignment, when=moment, pain=3 + days_ago % 3)
    return patient


def test_staff_review_an_alert_by_keyboard(page, sign_in, therapist, lapsing):
    sign_in(page, therapist.user)
    page.wait_for_url("**/staff/")
    attention = page.get_by_role("region", name="Needs attention")
    assert "No session on the last 6 scheduled days" in attention.inner_text()
    button = page.get_by_role("button", name="Mark Hugo Lapse as reviewed")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text().strip() == "Marked Hugo Lapse as reviewed."
    assert "Nobody needs attention right now." in attention.inner_text()


@pytest.mark.parametrize(("width", "height"), [(375, 667), (1280, 800)])
def test_staff_pages_have_no_wcag_violations(
    browser, live_server, therapist, lapsing, width, height
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label("Username").fill(therapist.user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    axe = Axe()
    for url in ("/staff/", f"/staff/patients/{lapsing.pk}/progress/"):
        page.goto(url)
        result = axe.run(page, options=WCAG_AA)
        assert result.violations_count == 0, result.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


def test_staff_home_table_starts_on_the_first_screen_with_six_alerts(
    browser, live_server, clinic, therapist
):
    """Six patients need attention, each a compact line: at 1280×800 the table of all
    patients starts within the first screen, and its figures do not wrap."""
    for number in range(6):
        patient = factories.make_patient(clinic, therapist, first_name=f"Lapsing{number}")
        factories.make_assignment(patient, starts_on=clinic.today() - 14 * DAY)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto("/login/")
        page.get_by_label("Username").fill(therapist.user.username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/")
        assert page.locator("article.attention").count() == 6
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/home-1280.png", full_page=True)
        top = page.evaluate(
            "document.getElementById('all-title').closest('section')"
            ".querySelector('thead').getBoundingClientRect().bottom"
        )
        assert top < 800  # the table's head is on the first screen
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('.figure'))"
            ".map(f => f.getBoundingClientRect().height)"
        )
        assert heights
        assert max(heights) < 30  # one line each: no figure wraps
    finally:
        context.close()
