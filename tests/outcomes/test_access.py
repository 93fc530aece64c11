"""Every outcome page, for every role: the owner patient, another patient, the patient's
physiotherapist, a colleague, another clinic's staff and anonymous. Another's object is
404; anonymous visitors are sent to sign in."""

import pytest
from django.test import Client
from django.urls import reverse

from patients.outcomes.models import Postponement
from patients.outcomes.models import Schedule as OutcomeSchedule
from patients.outcomes.services import questionnaire_import

pytestmark = pytest.mark.django_db

ROLES = ["patient", "other_patient", "therapist", "colleague", "other_clinic_therapist", None]
LOGIN = "login"


@pytest.fixture
def objects(clinic, patient, assignment, nprs_schedule, licensed_resource):
    version = questionnaire_import(clinic=clinic, resource=licensed_resource)
    return {
        "schedule": nprs_schedule,
        "questionnaire": version.questionnaire,
        "assignment": assignment,
        "patient": patient,
    }


# (url name, args from the objects, method, expected status by role; LOGIN: to sign-in)
PAGES = [
    ("outcomes:answer", lambda o: [o["schedule"].pk], "get", [200, 404, 404, 404, 404, LOGIN]),
    ("outcomes:results", lambda o: [], "get", [200, 200, 404, 404, 404, LOGIN]),
    ("outcomes:postpone", lambda o: [], "post", [302, 302, 404, 404, 404, LOGIN]),
    ("outcomes:questionnaire_list", lambda o: [], "get", [404, 404, 200, 200, 200, LOGIN]),
    (
        "outcomes:questionnaire_detail",
        lambda o: [o["questionnaire"].pk],
        "get",
        [404, 404, 200, 200, 404, LOGIN],
    ),
    (
        "outcomes:questionnaire_fhir",
        lambda o: [o["questionnaire"].pk],
        "get",
        [404, 404, 200, 200, 404, LOGIN],
    ),
    ("outcomes:questionnaire_import", lambda o: [], "post", [404, 404, 404, 404, 404, LOGIN]),
    (
        "outcomes:plan_questionnaires",
        lambda o: [o["assignment"].pk],
        "get",
        [404, 404, 200, 200, 404, LOGIN],
    ),
    (
        "outcomes:scores_export",
        lambda o: [o["patient"].pk],
        "get",
        [404, 404, 200, 200, 404, LOGIN],
    ),
    (
        "outcomes:patient_fhir",
        lambda o: [o["patient"].pk],
        "get",
        [404, 404, 200, 200, 404, LOGIN],
    ),
    (
        "outcomes:schedule_remove",
        lambda o: [o["schedule"].pk],
        "post",
        [404, 404, 302, 302, 404, LOGIN],
    ),
]


@pytest.mark.parametrize(("name", "args", "method", "expected"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=[str(role) for role in ROLES])
def test_outcome_page_answers_each_role(request, objects, name, args, method, expected, role):
    client = Client()
    who = ROLES[role]
    if who is not None:
        client.force_login(request.getfixturevalue(who).user)
    url = reverse(name, args=args(objects))
    response = getattr(client, method)(url)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, (who, url)
    # Refused writes change nothing; only the patient's own "later" postpones.
    if name == "outcomes:schedule_remove":
        assert OutcomeSchedule.objects.filter(pk=objects["schedule"].pk).exists() == (want != 302)
    if name == "outcomes:postpone":
        assert Postponement.objects.exists() == (who == "patient")
