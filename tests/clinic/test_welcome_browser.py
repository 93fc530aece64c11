"""A new staff member follows the emailed link and ends up signed in, knowing their username
(issue 14), in Chromium."""

import os
import re

import pytest

from clinic.models import StaffMember
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "stretch-every-morning"


def test_new_staff_member_follows_the_emailed_link_and_is_signed_in(
    browser, live_server, page, sign_in, mailoutbox
):
    clinic = factories.make_clinic("Riverside Physio")
    admin = factories.make_staff(clinic, role=StaffMember.Role.CLINIC_ADMIN)
    sign_in(page, admin.user)
    page.goto("/staff/team/new/")
    page.get_by_label("First name").fill("Ruth")
    page.get_by_label("Last name").fill("Jansen")
    page.get_by_label("Email").fill("ruth@example.com")
    page.get_by_label("Username").fill("ruth.j")
    page.get_by_label("Role").select_option(StaffMember.Role.PHYSIOTHERAPIST)
    page.get_by_role("button", name="Invite").click()
    page.get_by_role("heading", name="Ruth Jansen is invited").wait_for()
    page.goto("/staff/team/")
    assert "invited, not joined yet" in page.locator("main").inner_text()

    email = mailoutbox[-1]
    assert "Your username: ruth.j" in email.body
    link = re.search(r"http://\S+/staff/team/welcome/\S+", email.body)[0]

    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(10_000)
    newcomer = context.new_page()
    try:
        newcomer.goto(link)
        newcomer.get_by_role("heading", name="Choose your password").wait_for()
        assert "Your username is ruth.j" in newcomer.locator("main").inner_text()
        if os.environ.get("SCREENSHOTS"):
            newcomer.screenshot(path=f"{os.environ['SCREENSHOTS']}/welcome-360.png")
        newcomer.get_by_label("New password", exact=True).fill(PASSWORD)
        newcomer.get_by_label("New password confirmation").fill(PASSWORD)
        newcomer.get_by_role("button", name="Save password and sign in").click()
        newcomer.get_by_text("Your username is ruth.j").wait_for()
        assert newcomer.url.endswith("/staff/")
        assert "Ruth" in newcomer.locator("header").inner_text()
        # Later, with the email address in capitals.
        newcomer.get_by_role("button", name="Sign out").click()
        newcomer.goto("/login/")
        newcomer.get_by_label("Username").fill("RUTH@example.com")
        newcomer.get_by_label("Password").fill(PASSWORD)
        newcomer.get_by_role("button", name="Sign in").click()
        newcomer.wait_for_url("**/staff/")
    finally:
        context.close()
