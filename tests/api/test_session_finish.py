"""Finishing a session happens once: the first report wins, later ones are told so (409)."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from rest_framework.test import APIClient

from patients.models import Session
from patients.sessions.services import PAIN_FLAG, SessionAlreadyFinished, session_finish
from tests import factories

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _url(session) -> str:
    return reverse("api:session-finish", args=[session.id])


def test_session_finish_second_call_is_409_and_keeps_the_first_report(api, patient, session):
    factories.record_every_step(session)
    api.force_authenticate(patient.user)
    first = api.post(_url(session), {"pain": 2, "note": "Fine"}, format="json")
    second = api.post(_url(session), {"pain": 9, "note": "Ouch"}, format="json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "code": "conflict",
        "detail": "This session is already finished.",
        "fields": {},
    }
    session.refresh_from_db()
    assert (session.pain, session.note, session.flagged) == (2, "Fine", False)


def test_session_finish_service_refuses_a_stale_copy_of_a_finished_session(session):
    """Two requests load the same open session; the second to finish must not overwrite
    the first, although its own copy still says "open"."""
    factories.record_every_step(session)
    stale = Session.objects.get(pk=session.pk)
    session_finish(session=session, pain=9, note="Sharp")
    with pytest.raises(SessionAlreadyFinished):
        session_finish(session=stale, pain=0, note="")
    stored = Session.objects.get(pk=session.pk)
    assert (stored.pain, stored.note, stored.flagged) == (9, "Sharp", True)
    assert stale.pain == 9


def test_session_finish_page_answers_a_stale_finish_with_a_message(client, patient, session):
    """The page's second finish (a double tap that lost) shows the summary and says why."""
    factories.record_every_step(session)
    client.force_login(patient.user)
    finish = reverse("patients:session_finish", args=[session.id])
    assert client.post(finish, {"pain": "8"}).status_code == 302
    response = client.post(finish, {"pain": "0"}, follow=True)
    assert response.status_code == 200
    assert "This session is already finished" in response.content.decode()
    session.refresh_from_db()
    assert (session.pain, session.flagged) == (8, True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_session_finish_twenty_concurrent_calls_have_one_winner(patient, session):
    """20 threads finish the same session at once, each with its own pain: one 200, nineteen
    409, and what is stored (pain and flag) is what the one 200 was answered with."""
    factories.record_every_step(session)
    headers = bearer(patient.user)
    barrier = threading.Barrier(20)
    answers: list[tuple[int, int, dict]] = []
    lock = threading.Lock()

    def post(pain: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
        barrier.wait()
        try:
            response = client.post(_url(session), {"pain": pain}, format="json")
            with lock:
                answers.append((response.status_code, pain, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(pain % 11,)) for pain in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 20
    winners = [(pain, body) for status, pain, body in answers if status == 200]
    assert len(winners) == 1, sorted(status for status, _pain, _body in answers)
    assert sorted(status for status, _pain, _body in answers) == [200] + [409] * 19
    pain, body = winners[0]
    assert body["pain"] == pain
    stored = Session.objects.get(pk=session.pk)
    assert stored.pain == pain
    assert stored.flagged is (pain >= PAIN_FLAG)
