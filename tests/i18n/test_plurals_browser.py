"""The player says a count in the page's language and form: "Hold for 1 second" (session.js
picks data-t-<name>-one or -other with Intl.PluralRules)."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_player_says_one_second_in_the_singular(page, sign_in, patient):
    routine = factories.make_routine(patient.clinic, steps=1)
    routine.steps.update(hold_seconds=1)
    assignment = factories.make_assignment(patient, routine)
    sign_in(page, patient.user)
    page.clock.install()
    page.goto("/today/")
    page.get_by_role("button", name=f"Start {assignment.routine.name}").click()
    page.get_by_role("button", name="Begin").click()
    page.clock.run_for("00:05")
    expect(page.locator("#timer-phase")).to_have_text("Hold")
    expect(page.locator("#timer-announce")).to_have_text("Hold. Hold for 1 second")
