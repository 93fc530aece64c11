"""The staff workspace's pages pass axe's accessibility checks and fit a 360 px phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from patients.roster.services import invitation_create
from routines.models import Exercise
from tests import factories
from tests.patients.builtin_library import install_builtin_library

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_staff_pages_are_accessible_on_a_phone(browser, live_server, sign_in, clinic_admin):
    install_builtin_library()
    clinic = clinic_admin.clinic
    patient = factories.make_patient(clinic, clinic_admin, first_name="Nina")
    assignment = factories.make_assignment(patient)
    routine = assignment.routine
    exercise = Exercise.objects.get(name="Child's pose")
    paths = [
        reverse("staff:patient_list"),
        reverse("staff:patient_create"),
        reverse("staff:patient_detail", args=[patient.id]),
        reverse("staff:assign_patient", args=[patient.id]),
        reverse("staff:assignment_schedule", args=[assignment.id]),
        reverse("routines:exercise_list"),
        reverse("routines:exercise_detail", args=[exercise.id]),
        reverse("routines:exercise_create"),
        reverse("routines:routine_list"),
        reverse("routines:builder", args=[routine.id]) + "?q=knee",
        reverse("routines:preview", args=[routine.id]),
        reverse("routines:handout", args=[routine.id]),
        reverse("team:staff_list"),
        reverse("team:staff_create"),
    ]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, clinic_admin.user)
        page.get_by_role("heading", name="Your patients").wait_for()
        axe = Axe()
        problems = {}
        for path in paths:
            page.goto(path)
            results = axe.run(page)
            if results.violations_count:
                problems[path] = results.generate_report()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        context.clear_cookies()
        _, token = invitation_create(patient=patient)
        page.goto(reverse("account:invite_accept", args=[token]))
        page.get_by_role("heading", name="Welcome, Nina").wait_for()
        results = axe.run(page)
        if results.violations_count:
            problems["invite"] = results.generate_report()
        assert problems == {}
    finally:
        context.close()
