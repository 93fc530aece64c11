"""The reminder settings page in a real browser: reached from the patient's menu, a bad time
refused with a message, choices saved, the notification button run by the static script
under the strict CSP, no WCAG 2.1 AA violations, no sideways scrolling at 360 and 1280 px.
Screenshots go to /tmp/reminders-*.png."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from patients.reminders.models import Delivery, ReminderSettings
from tests import factories
from tests.browser import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _check_accessible(page, width: int, name: str) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, f"{name} at {width}px:\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("width", [360, 1280])
def test_patient_sets_reminders_in_the_browser(browser, live_server, sign_in, patient, width):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1))
    now = datetime.datetime.now(datetime.UTC)
    Delivery.objects.create(
        patient=patient,
        local_date=now.date(),
        slot="07:30",
        channel="email",
        kind="scheduled",
        due_at=now,
        next_attempt_at=now,
        state="sent",
        sent_at=now,
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        sign_in(page, patient.user)
        page.goto("/today/")
        page.get_by_role("navigation", name="My pages").get_by_role(
            "link", name="Reminders"
        ).click()
        page.get_by_role("heading", name="Reminders", level=1).wait_for()
        _check_accessible(page, width, "settings")
        page.screenshot(path=f"/tmp/reminders-settings-{width}.png", full_page=True)

        # A time that does not exist: a message, nothing saved.
        page.get_by_label("At", exact=True).fill("25:00")
        page.get_by_role("button", name="Save reminders").click()
        page.get_by_text("25:00 is not a time of day").wait_for()
        assert not ReminderSettings.objects.exists()
        _check_accessible(page, width, "settings with errors")
        page.screenshot(path=f"/tmp/reminders-error-{width}.png", full_page=True)

        page.get_by_label("At", exact=True).fill("7:15, 19:00")
        page.get_by_label("Calendar feed").check()
        page.get_by_label("Sunday").uncheck()
        page.get_by_label("Remind me again if I haven't done it by").fill("20:00")
        page.get_by_role("button", name="Save reminders").click()
        page.get_by_text("Your reminders are saved.").wait_for()
        row = ReminderSettings.objects.get(patient=patient)
        assert (row.email, row.calendar, row.times) == (True, True, ["07:15", "19:00"])
        assert row.weekdays == 0b0111111
        assert row.second_nudge_at == datetime.time(20, 0)
        feed = page.get_by_label("Your calendar link")
        assert "/calendar/" in feed.input_value()

        # The notification controls are shown by the static script (no inline script runs
        # under the CSP). Headless Chromium has no push service, so subscribing ends in a
        # message in the status region, not a crash.
        button = page.get_by_role("button", name="Turn on notifications here")
        button.wait_for()
        button.click()
        wait_until(page, "document.getElementById('push-status').textContent.length > 1")
        _check_accessible(page, width, "settings saved")
        page.screenshot(path=f"/tmp/reminders-saved-{width}.png", full_page=True)
        assert not [error for error in errors if "Content Security Policy" in error]
    finally:
        context.close()


def test_staff_patient_page_shows_the_reminder_card(
    browser, live_server, sign_in, therapist, patient
):
    patient.email = "alice@example.org"
    patient.save(update_fields=["email"])
    # A month on the plan without a session: on the staff home's "Needs attention".
    factories.make_assignment(patient)
    for width in (360, 1280):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            sign_in(page, therapist.user)
            page.goto(f"/staff/patients/{patient.pk}/")
            page.get_by_role("button", name=f"Send a reminder now to {patient}").click()
            page.get_by_text("A reminder is on its way to Alice.").wait_for()
            page.get_by_role("cell", name="email due").first.wait_for()
            _check_accessible(page, width, "patient page")
            page.screenshot(path=f"/tmp/reminders-staff-{width}.png", full_page=True)
            Delivery.objects.all().delete()

            # The same button on the needs-attention card brings staff back to the list.
            page.goto("/staff/")
            card = page.locator("article.attention", has_text=str(patient))
            card.get_by_role("button", name=f"Send a reminder now to {patient}").click()
            page.get_by_text("A reminder is on its way to Alice.").wait_for()
            assert page.url.endswith("/staff/")
            _check_accessible(page, width, "staff home")
            page.screenshot(path=f"/tmp/reminders-home-{width}.png", full_page=True)
            assert Delivery.objects.filter(kind="staff").count() == 1
            Delivery.objects.all().delete()
        finally:
            context.close()
