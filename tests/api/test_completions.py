"""Recording a completion is idempotent: by client_id, or by an Idempotency-Key header."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import Completion
from patients.sessions.api import CompletionSerializer
from patients.sessions.services import completion_record
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _url(session) -> str:
    return reverse("api:session-completions", args=[session.id])


def _unit(session, **fields) -> dict:
    return {
        "step": session.assignment.routine.steps.first().id,
        "set_number": 1,
        "side": "both",
        "status": "done",
        **fields,
    }


def test_completions_same_client_id_returns_the_first_record(api, patient, session):
    api.credentials(**{"HTTP_AUTHORIZATION": bearer(patient.user)["Authorization"]})
    body = _unit(session, client_id=str(uuid.uuid4()))
    first = api.post(_url(session), body, format="json")
    again = api.post(_url(session), body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Completion.objects.count() == 1


def test_completions_same_client_id_with_another_body_is_409(api, patient, session):
    api.force_authenticate(patient.user)
    client_id = str(uuid.uuid4())
    api.post(_url(session), _unit(session, client_id=client_id), format="json")
    response = api.post(
        _url(session),
        _unit(session, client_id=client_id, status="skipped", skip_reason="pain"),
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "detail": "This id was already used for a different record.",
        "fields": {},
    }
    assert Completion.objects.get().status == "done"


def test_completions_idempotency_key_header_stands_for_client_id(api, patient, session):
    api.force_authenticate(patient.user)
    first = api.post(_url(session), _unit(session), format="json", HTTP_IDEMPOTENCY_KEY="tap-1")
    again = api.post(_url(session), _unit(session), format="json", HTTP_IDEMPOTENCY_KEY="tap-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    changed = api.post(
        _url(session),
        _unit(session, status="skipped", skip_reason="no_time"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="tap-1",
    )
    assert changed.status_code == 409
    assert Completion.objects.count() == 1


def test_completions_without_client_id_or_key_is_400(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(_url(session), _unit(session), format="json")
    assert response.status_code == 400
    assert "client_id" in response.json()["fields"]
    assert not Completion.objects.exists()


def test_completions_too_long_idempotency_key_is_400(api, patient, session):
    api.force_authenticate(patient.user)
    response = api.post(
        _url(session), _unit(session), format="json", HTTP_IDEMPOTENCY_KEY="k" * 201
    )
    assert response.status_code == 400
    assert not Completion.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_completions_twenty_concurrent_posts_store_one_row(patient, session):
    """20 threads send the same completion at once: one row, every answer 200/201, one id."""
    headers = bearer(patient.user)
    body = _unit(session, client_id=str(uuid.uuid4()))
    barrier = threading.Barrier(20)
    answers: list[tuple[int, int | None]] = []
    lock = threading.Lock()

    def post() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
        barrier.wait()
        try:
            response = client.post(_url(session), body, format="json")
            with lock:
                answers.append((response.status_code, response.json().get("id")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20
    assert {status for status, _id in answers} <= {200, 201}
    assert len({id_ for _status, id_ in answers}) == 1
    assert Completion.objects.count() == 1


def test_completion_json_is_what_the_serializer_fields_describe(patient, session):
    """CompletionSerializer writes its JSON out by hand; it must stay what its fields (and
    so the OpenAPI schema) say, value for value."""
    step = session.assignment.routine.steps.select_related("exercise").first()
    completion, _ = completion_record(
        session=session,
        step=step,
        client_id=uuid.uuid4(),
        status="skipped",
        skip_reason="pain",
    )
    completion = Completion.objects.get(id=completion.id)
    serializer = CompletionSerializer(completion)
    by_fields = {
        name: field.to_representation(field.get_attribute(completion))
        for name, field in serializer.fields.items()
    }
    assert serializer.data == by_fields
    assert list(serializer.data) == CompletionSerializer.Meta.fields
