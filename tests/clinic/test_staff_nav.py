"""The staff navigation shows where you are (aria-current), issue 14."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def current(page: str) -> list[tuple[str, str]]:
    nav = page[page.index('class="staff-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'aria-current="(\w+)">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (lambda t: reverse("dashboard:home"), [("page", "Home")]),
        (lambda t: reverse("staff:patient_list"), [("page", "Patients")]),
        (lambda t: reverse("staff:patient_detail", args=[t["patient"].pk]), [("true", "Patients")]),
        (lambda t: reverse("dashboard:progress", args=[t["patient"].pk]), [("true", "Patients")]),
        (lambda t: reverse("routines:routine_list"), [("page", "Routines")]),
        (lambda t: reverse("routines:builder", args=[t["routine"].pk]), [("true", "Routines")]),
        (lambda t: reverse("routines:exercise_list"), [("page", "Library")]),
    ],
)
def test_staff_nav_marks_the_current_section(client, therapist, patient, assignment, url, expected):
    client.force_login(therapist.user)
    things = {"patient": patient, "routine": assignment.routine}
    page = client.get(url(things)).content.decode()
    assert current(page) == expected


def test_staff_nav_marks_the_team_page_for_clinic_admins(client, clinic_admin):
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert current(page) == [("page", "Staff")]
