"""The outcome-measure flow in a real browser: Today asks first, the patient answers by
keyboard and touch, reads the result and starts the session; staff read the chart. axe-core
finds no WCAG 2.1 AA violation; screenshots at 360 and 1280 px go to /tmp."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Session
from patients.outcomes.models import Response
from patients.outcomes.services import schedule_create
from tests import factories

from .conftest import make_response
from .shipped import shipped

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = "/tmp/limber-outcomes"


def _check(page, name, width):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    assert results.violations_count == 0, f"{name} at {width}px:\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("width", [360, 1280])
def test_patient_answers_before_the_session_then_starts_it(
    browser, live_server, sign_in, patient, width
):
    assignment = factories.make_assignment(patient)
    nprs, psfs = shipped("nprs"), shipped("psfs")
    make_response(patient, nprs, 6, days_ago=25)
    schedule_create(assignment=assignment, questionnaire=nprs, at_end=False)
    schedule_create(assignment=assignment, questionnaire=psfs, at_end=False)
    Response.objects.update(due_on=None)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, patient.user)
        page.goto("/today/")
        expect(page.get_by_role("heading", name="Two quick questions before today's session"))
        _check(page, "today asks", width)
        page.screenshot(path=f"{SHOTS}-today-{width}.png", full_page=True)
        page.get_by_role("link", name="Answer now").click()

        # The pain scale: a fieldset whose legend is the question, eleven labelled targets.
        scale = page.get_by_role(
            "group", name="On average over the last 24 hours, how strong was your pain?"
        )
        expect(scale.get_by_role("radio")).to_have_count(11)
        _check(page, "pain scale", width)
        page.screenshot(path=f"{SHOTS}-answer-nprs-{width}.png", full_page=True)
        # Saving without an answer shows the error on the question.
        page.get_by_role("button", name="Save my answers").click()
        expect(page.get_by_role("alert")).to_contain_text("Please answer this question.")
        _check(page, "pain scale with an error", width)
        page.screenshot(path=f"{SHOTS}-answer-error-{width}.png", full_page=True)
        # Keyboard: focus the scale, arrow to 4.
        scale.get_by_role("radio", name="0", exact=True).focus()
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        expect(scale.get_by_role("radio", name="4", exact=True)).to_be_checked()
        page.get_by_role("button", name="Save my answers").click()

        # The PSFS: name activities and rate them (by touch: click the labels).
        expect(page.get_by_role("heading", name="Patient-Specific Functional Scale"))
        page.get_by_label("First activity").fill("Gardening")
        page.get_by_label("Second activity").fill("Carrying shopping")
        page.get_by_label("Third activity").fill("Driving")
        ratings = page.get_by_role("group", name="How well can you do it today?")
        for index, value in enumerate(["3", "5", "7"]):
            ratings.nth(index).get_by_text(value, exact=True).click()
        _check(page, "functional scale", width)
        page.screenshot(path=f"{SHOTS}-answer-psfs-{width}.png", full_page=True)
        page.get_by_role("button", name="Save my answers").click()

        # Results in plain words, then on to the session.
        expect(
            page.get_by_text(
                "Your Numeric Pain Rating Scale score: 4 of 10, 2 points better than at the start."
            )
        ).to_be_visible()
        expect(
            page.get_by_text(
                "Your Patient-Specific Functional Scale score: 5 of 10. "
                "This is where we start from."
            )
        ).to_be_visible()
        _check(page, "results", width)
        page.screenshot(path=f"{SHOTS}-results-{width}.png", full_page=True)
        page.get_by_role("link", name="Go to today's session").click()
        expect(page.get_by_text("quick questions")).to_have_count(0)
        page.get_by_role("button", name=f"Start {assignment.routine.name}").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert Session.objects.filter(patient=patient).count() == 1
        assert Response.objects.filter(patient=patient).count() == 3
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_progress_chart_is_accessible(
    browser, live_server, sign_in, therapist, patient, width
):
    today = patient.clinic.today()
    assignment = factories.make_assignment(patient, starts_on=today - datetime.timedelta(days=40))
    now = timezone.now()
    for days_ago in range(1, 40):
        if days_ago % 3 or days_ago < 12:  # every third day missed, then every day done
            factories.make_finished_session(
                assignment, when=now - datetime.timedelta(days=days_ago)
            )
    nprs, psfs = shipped("nprs"), shipped("psfs")
    for week, (pain, function) in enumerate([(7, 3), (6, 3.5), (6, 4), (5, 5), (4, 6), (3, 6.5)]):
        make_response(patient, nprs, pain, days_ago=7 * (5 - week))
        make_response(patient, psfs, function, days_ago=7 * (5 - week), answers={})
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, therapist.user)
        page.goto(reverse("dashboard:progress", args=[patient.pk]))
        chart = page.locator(".outcomes")
        expect(
            chart.get_by_role(
                "img", name="Numeric Pain Rating Scale over time, with weekly adherence below"
            )
        ).to_be_visible()
        _check(page, "progress with scores", width)
        chart.screenshot(path=f"{SHOTS}-staff-chart-{width}.png")
        page.goto(reverse("outcomes:questionnaire_list"))
        _check(page, "questionnaires", width)
        page.goto(reverse("outcomes:plan_questionnaires", args=[assignment.pk]))
        _check(page, "plan questionnaires", width)
    finally:
        context.close()
