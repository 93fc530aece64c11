"""Progression in a real browser: the builder's week-by-week preview, the patient's notice."""

import os

import pytest
from playwright.sync_api import expect

from clinic.models import StaffMember
from routines.progression.models import ProgressionRule
from tests import factories
from tests.patients.test_progression import _plan_a_week_old, _rule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = os.environ.get("SCREENSHOTS", "/tmp/progression")


def test_builder_previews_the_weeks_before_saving(browser, live_server, page, sign_in):
    clinic = factories.make_clinic("Riverside Physio")
    therapist = factories.make_staff(clinic, role=StaffMember.Role.PHYSIOTHERAPIST)
    routine = factories.make_routine(clinic, steps=1)
    step = routine.steps.get()
    sign_in(page, therapist.user)
    page.goto(f"/routines/{routine.id}/")
    page.get_by_role("link", name=f"Progression of {step.exercise.name}").click()
    page.get_by_role("heading", name=f"Progression: {step.exercise.name}").wait_for()
    page.wait_for_load_state()
    cells = page.locator("#progression-preview tbody td:nth-child(2)")
    expect(cells).to_have_count(8)
    expect(cells.nth(4)).to_have_text("40 ↑")

    # Changing the rule redraws the preview before anything is saved.
    page.get_by_label("By how much").fill("10")
    page.get_by_label("Up to").fill("50")
    page.get_by_label("Up to").blur()
    expect(cells.nth(1)).to_have_text("30 ↑")
    expect(cells.nth(3)).to_have_text("50 ↑")
    expect(cells.nth(7)).to_have_text("50")
    assert not ProgressionRule.objects.exists()

    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=f"{SHOTS}/preview-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SHOTS}/preview-1280.png", full_page=True)

    page.get_by_role("button", name="Save progression").click()
    page.get_by_text("Progression saved.").wait_for()
    rule = ProgressionRule.objects.get(step=step)
    assert (rule.amount, rule.ceiling) == (10, 50)


def test_patient_sees_this_weeks_progression_on_today(browser, live_server, page, sign_in):
    patient = factories.make_patient(factories.make_clinic())
    _assignment, step = _plan_a_week_old(patient)
    _rule(step)
    sign_in(page, patient.user)
    page.goto("/today/")
    notice = page.locator(".progression-notice")
    expect(notice).to_contain_text("This week")
    expect(notice).to_contain_text(f"{step.exercise.name}: hold 25 s (up from 20 s)")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/today-360.png", full_page=True)
