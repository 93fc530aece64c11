"""The API against its own OpenAPI schema, fuzzed by schemathesis in process (WSGI), as a
staff member and as a patient, with every default check.

The calls go through the WSGI application in this thread, so they use the test's database
connection and see the fixtures' rows inside the test's transaction.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from clinic.wsgi import application
from tests.api.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 100


# Operations whose schema-valid input can still be refused with 400, for a reason a schema
# cannot express: an id that is not one of yours, a duplicate name, a plan that is paused or
# ended, a session already finished. schemathesis' own advice for these is to allow that
# rejection for the operation; every other check, and this one for every other status, stays.
REFUSED_BY_RULES = {
    ("POST", "/api/v1/exercises/"): "a name already in the library; none in the clinic's language",
    ("PATCH", "/api/v1/exercises/{id}/"): "a name already in the clinic's library",
    ("POST", "/api/v1/exercises/{id}/media/"): "a file that is not a picture or video inside",
    ("POST", "/api/v1/routines/{routine_id}/steps/"): "an exercise id not in your library",
    ("PATCH", "/api/v1/routines/{routine_id}/steps/{id}/"): "an exercise id not in your library",
    ("POST", "/api/v1/patients/"): "a physiotherapist id not of your clinic",
    ("PATCH", "/api/v1/patients/{id}/"): "a physiotherapist id not of your clinic",
    ("POST", "/api/v1/assignments/"): "a patient or routine id not yours; ends before it starts",
    ("POST", "/api/v1/sessions/"): "an assignment id not yours; a plan paused or ended",
    ("POST", "/api/v1/sessions/{id}/completions/"): "a step not in the routine; no such set",
    ("POST", "/api/v1/sessions/{id}/finish/"): "the session is already finished",
    ("PUT", "/api/v1/reminders/{id}/"): "an unknown time zone; quiet hours with one end",
    ("PATCH", "/api/v1/reminders/{id}/"): "an unknown time zone; quiet hours with one end",
    ("POST", "/api/v1/reminders/{id}/nudge/"): "one sent in the last 15 minutes; no channel",
    ("POST", "/api/v1/push_subscriptions/"): "not a known push service; keys that are not keys",
    ("POST", "/api/v1/questionnaires/import/"): "a FHIR resource Limber cannot take entirely",
    ("POST", "/api/v1/questionnaire-schedules/"): "a plan or questionnaire not yours; asked twice",
    ("POST", "/api/v1/questionnaire-responses/"): "not due today; answers that fit no item",
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "400"]
CONFIG = "\n".join(
    f"""
[[operations]]
include-method = "{method}"
include-path = "{path}"
checks.positive_data_acceptance.expected-statuses = {POSITIVE_STATUSES!r}
"""
    for method, path in REFUSED_BY_RULES
).replace("'", '"')
# A negative case for a list may make `page` an object; sent exploded (`key=value`, the
# form style's rule), the request then has no `page` at all and is a valid request that
# rightly answers 200. schemathesis' own advice: switch that check off where it cannot hold.
EXPLODED_PAGE = ["/api/v1/patients/"]
CONFIG += "".join(
    f"""
[[operations]]
include-method = "GET"
include-path = "{path}"
checks.negative_data_rejection.enabled = false
"""
    for path in EXPLODED_PAGE
)

# schemathesis sends its WSGI requests to http://localhost.
with override_settings(ALLOWED_HOSTS=["localhost"]):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, config=SchemathesisConfig.from_str(CONFIG)
    )


@pytest.fixture(autouse=True)
def _localhost(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which on
    PostgreSQL would end the test's transaction; Django's test client unhooks it the same
    way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_as_staff(case, world, therapist):
    case.call_and_validate(headers=bearer(therapist.user))


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_as_patient(case, world, patient):
    case.call_and_validate(headers=bearer(patient.user))


@schema.parametrize()
@FUZZ
def test_api_conforms_to_its_schema_as_another_clinics_staff(case, world, other_clinic_therapist):
    """Another clinic's key: every id in the world is someone else's, so each call must be
    refused in the ways the schema states (404, 400 with fields), never a 5xx."""
    case.call_and_validate(headers=bearer(other_clinic_therapist.user))
