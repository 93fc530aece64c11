"""Each list endpoint makes the same number of queries for a page of 5 or of 100 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.api.tokens.services import api_token_create
from patients.sessions.services import session_start
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 10


@pytest.fixture
def big_clinic(clinic, therapist, patient):
    """Realistic numbers: over a hundred of each thing the lists show."""
    for number in range(105):
        factories.make_exercise(clinic, name=f"Stretch {number}")
        api_token_create(user=therapist.user, name=f"Key {number}")
    template = factories.make_routine(clinic, steps=4)
    for number in range(105):
        factories.make_routine(clinic, steps=2, name=f"Template {number}")
    for number in range(105):
        other = factories.make_patient(clinic, therapist, account=False, first_name=f"P{number}")
        factories.make_assignment(other, template)
    plans = [
        factories.make_assignment(
            patient, template, starts_on=clinic.today() - datetime.timedelta(days=200)
        )
        for _ in range(12)
    ]
    now = datetime.datetime.now(datetime.UTC)
    for days in range(105):
        session_start(assignment=plans[0], started_at=now - datetime.timedelta(days=days))
    return clinic


STAFF_LISTS = [
    "/api/v1/exercises/",
    "/api/v1/routines/",
    "/api/v1/patients/",
    "/api/v1/assignments/",
    "/api/v1/sessions/",
    "/api/v1/tokens/",
]
PATIENT_LISTS = ["/api/v1/sessions/", "/api/v1/today/", "/api/v1/plan/"]


def _queries(api, url: str) -> tuple[int, int]:
    api.get(url)  # once first, so one-time look-ups are not counted
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return len(captured), len(rows)


@pytest.mark.parametrize("url", STAFF_LISTS)
def test_staff_list_query_count_does_not_grow_with_page_size(api, big_clinic, therapist, url):
    api.force_authenticate(therapist.user)
    small, small_rows = _queries(api, f"{url}?page_size=5")
    large, large_rows = _queries(api, f"{url}?page_size=100")
    assert (small_rows, large_rows) == (5, 100)
    assert small == large <= BUDGET


@pytest.mark.parametrize("url", PATIENT_LISTS)
def test_patient_list_query_count_does_not_grow_with_page_size(api, big_clinic, patient, url):
    api.force_authenticate(patient.user)
    small, _rows = _queries(api, f"{url}?page_size=5")
    large, _rows = _queries(api, f"{url}?page_size=100")
    assert small == large <= BUDGET
