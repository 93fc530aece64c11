"""Two-step sign-in in a real Chromium: enrol by the key shown on the page, then sign in."""

import base64
import time

import pytest
from django_otp.oath import totp

from .. import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = "/tmp/sec-auth"


def code_from_secret(secret_text: str, at: float) -> str:
    """What an authenticator app shows at `at` for the key as typed from the page."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, step=30, t0=round(time.time() - at), digits=6):06d}"


def check(page, name: str, problems: dict) -> None:
    """axe finds nothing, nothing scrolls sideways on a 360 px phone; screenshots for a look."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        problems[name] = results.generate_report()
    shoot(page, name)
    page.set_viewport_size({"width": 360, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    page.set_viewport_size({"width": 375, "height": 667})


def shoot(page, name: str) -> None:
    import os

    os.makedirs(SHOTS, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 667})


def test_two_factor_enrolment_and_sign_in_with_a_code(page, clinic_admin):
    problems = {}
    page.goto("/login/")
    check(page, "login", problems)
    page.get_by_label("Username").fill(clinic_admin.user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/two-factor/set-up/**")
    page.get_by_role("img", name="QR code to add Limber to your authenticator app").wait_for()
    check(page, "enrol", problems)
    secret = page.locator("#secret-key").inner_text()
    now = time.time()
    page.get_by_label("Code from the app").fill(code_from_secret(secret, now))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    check(page, "recovery-codes", problems)
    page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url("**/staff/")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/login/")
    page.get_by_label("Username").fill(clinic_admin.user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/two-factor/?**")
    field = page.get_by_label("Code", exact=True)
    assert field.get_attribute("autocomplete") == "one-time-code"
    assert field.get_attribute("inputmode") == "numeric"
    field.fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("alert").wait_for()
    check(page, "verify-error", problems)
    # django-otp slows the next try after a wrong code (1 s); a person takes longer anyway.
    page.wait_for_timeout(1100)
    # The enrolment's code is used up; the phone shows the next one 30 s later.
    page.get_by_label("Code", exact=True).fill(code_from_secret(secret, now + 30))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/staff/")
    page.goto("/admin/")
    page.get_by_role("heading", name="Site administration").wait_for()
    # The clinic admin asks every physiotherapist for a code, on the Staff page.
    page.goto("/staff/team/")
    page.get_by_label(
        "Ask every physiotherapist for a code from an authenticator app at sign-in"
    ).check()
    page.locator("form").filter(has_text="Two-step sign-in").get_by_role("button").click()
    page.get_by_text("Physiotherapists now confirm each sign-in with a code.").wait_for()
    check(page, "team", problems)
    clinic_admin.clinic.refresh_from_db()
    assert clinic_admin.clinic.require_two_factor_for_staff
    assert problems == {}


def test_password_reset_pages_on_a_phone_and_a_desktop(page):
    problems = {}
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill("nobody@example.com")
    check(page, "reset-form", problems)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    check(page, "reset-sent", problems)
    assert problems == {}
