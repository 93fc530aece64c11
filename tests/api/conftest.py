"""API fixtures: a staff member and a patient with API keys, and a clinic's worth of data."""

import pytest
from rest_framework.test import APIClient

from clinic.api.tokens.services import api_token_create
from patients.sessions.services import session_start
from tests import factories


@pytest.fixture
def api():
    return APIClient()


def bearer(user) -> dict[str, str]:
    """Headers with a fresh API key of `user`."""
    _token, raw = api_token_create(user=user, name="Tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def session(assignment):
    return session_start(assignment=assignment)


@pytest.fixture
def world(clinic, therapist, patient, assignment, session):
    """The clinic as the fuzzer and the access matrix find it: its own exercise and template,
    a patient with a running plan and an open session."""
    exercise = factories.make_exercise(clinic, name="Cat-cow")
    template = factories.make_routine(clinic, steps=2, name="Morning mobility")
    return {
        "exercise": exercise,
        "template": template,
        "patient": patient,
        "assignment": assignment,
        "session": session,
    }
