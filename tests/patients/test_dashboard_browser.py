"""The staff home page and a patient's progress in a real browser: keyboard and axe."""

import datetime

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
