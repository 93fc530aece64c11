"""In Chromium: a patient's printed handout passes axe, its Print button opens the print dialog
(a static script, no inline one), and in print the buttons and navigation are gone while the
name, schedule, QR code and the clinic's contact stay. Screenshots go to $HANDOUT_SHOTS."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from routines.models import Routine
from tests import factories
from tests.patients.builtin_library import install_builtin_library

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def shoot(page, name: str) -> None:
    shots = os.environ.get("HANDOUT_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots, f"{name}.png")), full_page=True)


def test_plan_handout_prints_clean_and_passes_axe(browser, live_server, sign_in, therapist):
    install_builtin_library()
    clinic = therapist.clinic
    clinic.address = "Keizersgracht 1\n1015 CJ Amsterdam"
    clinic.phone = "+31 20 123 4567"
    clinic.save()
    patient = factories.make_patient(
        clinic, therapist, first_name="Nina", last_name="Bergström-Vandenberghe"
    )
    builtin = Routine.objects.get(clinic=None, name="Daily back care")
    assignment = factories.make_assignment(patient, builtin, weekdays=0b10101)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, therapist.user)
        page.goto(reverse("staff:assignment_handout", args=[assignment.id]))
        page.get_by_text("For Nina Bergström-Vandenberghe").wait_for()
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()

        caption = page.locator(".handout-qr figcaption")
        assert caption.evaluate("e => getComputedStyle(e).wordBreak") == "normal"
        assert page.locator(".handout-qr svg").bounding_box()["width"] == 132
        # Every word of the caption's sentence sits whole on one line.
        assert (
            page.evaluate(
                """() => {
              const caption = document.querySelector('.handout-qr figcaption');
              const text = caption.firstChild;
              const range = document.createRange();
              const re = /\\S+/g; let m;
              while ((m = re.exec(text.textContent))) {
                range.setStart(text, m.index); range.setEnd(text, m.index + m[0].length);
                if (range.getClientRects().length > 1) return m[0];
              }
              return null;
            }"""
            )
            is None
        )

        print_button = page.get_by_role("button", name="Print")
        assert print_button.is_visible()
        page.evaluate(
            "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
        )
        print_button.click()
        assert page.evaluate("window.__printed") == 1
        shoot(page, "handout-plan-1280")

        page.emulate_media(media="print")
        assert not print_button.is_visible()
        assert not page.locator(".site-header").is_visible()
        assert page.locator(".handout-qr svg").is_visible()
        assert page.get_by_text("+31 20 123 4567").is_visible()
        assert page.get_by_text("Monday, Wednesday and Friday").is_visible()
        shoot(page, "handout-plan-print")
    finally:
        context.close()
