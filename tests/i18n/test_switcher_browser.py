"""The language switcher in Chromium: reached and used by keyboard, 44 px targets, no
sideways scrolling at 360 px, no axe violations; set SCREENSHOTS=<folder> to look at it."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from patients.models import Patient
from tests import factories
from tests.browser import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SWITCH = "form.language-switch button"


def _check_layout(page, name: str) -> None:
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        box = page.locator(SWITCH).bounding_box()
        assert box["height"] >= 44, (name, width, box)
        assert box["width"] >= 44, (name, width, box)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        if os.environ.get("SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SCREENSHOTS']}/switch-{name}-{width}.png")


def _tab_to_switch(page, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('form.language-switch') !== null"):
            return
    raise AssertionError("the language switcher is not reached by Tab")


def test_patient_switches_to_french_by_keyboard_and_it_stays(page, sign_in):
    clinic = factories.make_clinic()
    patient = factories.make_patient(clinic, first_name="Nina")
    factories.make_assignment(patient)
    sign_in(page, patient.user)
    page.goto("/today/")
    _check_layout(page, "patient-en")
    assert page.locator(SWITCH).get_attribute("lang") == "fr-CA"

    _tab_to_switch(page)
    page.keyboard.press("Enter")
    wait_until(page, "document.documentElement.lang === 'fr-CA'")
    assert page.url.endswith("/today/")
    assert Patient.objects.get(pk=patient.pk).language == "fr-ca"
    _check_layout(page, "patient-fr")
    assert page.locator(SWITCH).inner_text() == "English"


def test_staff_header_keeps_its_links_and_the_switcher_on_a_phone(page, sign_in):
    clinic = factories.make_clinic()
    therapist = factories.make_staff(clinic)
    sign_in(page, therapist.user)
    page.goto("/staff/")
    _check_layout(page, "staff-en")
    page.locator(SWITCH).click()
    wait_until(page, "document.documentElement.lang === 'fr-CA'")
    _check_layout(page, "staff-fr")


def test_sign_in_page_switches_by_cookie(page):
    page.goto("/login/")
    _check_layout(page, "login-en")
    page.locator(SWITCH).click()
    wait_until(page, "document.documentElement.lang === 'fr-CA'")
    assert page.url.endswith("/login/")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["django_language"] == "fr-ca"
    _check_layout(page, "login-fr")
