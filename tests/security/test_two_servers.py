"""Two app servers against one PostgreSQL share every piece of state: no state in a process.

Two gunicorn processes (the production server, production settings) run on two loopback
ports against the test database. A patient signs in on one and is signed in on the other;
a session started on one is finished on the other and both read the same record; a
lockout earned on one holds on the other; signing the patient out everywhere ends both.
With REDIS_URL set, failed API-key guesses spread over both servers add up to one throttle.
"""

import html
import http.client
import json
import os
import re
import selectors
import socket
import subprocess
import sys
import threading
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from clinic.models import AuditEvent
from patients.models import Session
from patients.roster.services import patient_sign_out_everywhere
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several app servers share one PostgreSQL; set DATABASE_URL to a PostgreSQL "
        "database to run this test",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "two-servers-test-secret-two-servers-test-secret-two-servers"
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The app servers' connections carry this name, so a test can end theirs and only theirs.
APP_SERVER_CONNECTION_NAME = "limber-app-server"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}?application_name={APP_SERVER_CONNECTION_NAME}"
    )


class AppServer:
    """One gunicorn with production settings, on its own port; `overrides` are extra
    environment variables (settings) for it."""

    def __init__(self, **overrides: str):
        self.port = _free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            # SIGNED_IN_CACHE as in production: on only with the Redis both servers share.
            if not key.startswith(("DJANGO_", "PYTEST")) and key not in ("DEBUG", "SIGNED_IN_CACHE")
        }
        env.update(
            SECRET_KEY=SECRET,
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=_database_url(),
            DATABASE_POOL="0",
            SECURE_SSL_REDIRECT="0",
            STATIC_MANIFEST="0",
            AXES_FAILURE_LIMIT="3",
        )
        if os.environ.get("REDIS_URL"):
            # The servers share this process's keys in Redis: a change made here (signing a
            # patient out everywhere) forgets the user they cached (clinic.signed_in),
            # as the same change made through either server would.
            from django.core.cache import cache

            env["CACHE_KEY_PREFIX"] = cache.key_prefix
        env.update(overrides)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "clinic/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._wait_until_booted()

    def _wait_until_booted(self) -> None:
        """Read gunicorn's log until its worker boots (the socket already queues requests)."""
        selector = selectors.DefaultSelector()
        selector.register(self.process.stderr, selectors.EVENT_READ)
        log = []
        while True:
            if not selector.select(timeout=STARTUP_SECONDS):
                self.stop()
                pytest.fail("gunicorn did not start:\n" + "".join(log))
            line = self.process.stderr.readline()
            log.append(line)
            if not line:
                pytest.fail("gunicorn exited:\n" + "".join(log))
            if "Booting worker" in line:
                break
        selector.close()
        # Keep draining its log so a full pipe never blocks it.
        threading.Thread(target=self.process.stderr.read, daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Browser:
    """A cookie-keeping HTTP client that can talk to any of the servers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: AppServer, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Origin": f"http://127.0.0.1:{server.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, content

    def sign_in(self, server: AppServer, username: str, password: str) -> int:
        _, _, page = self.request(server, "GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _, _ = self.request(
            server,
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        return status

    def my_data(self, server: AppServer) -> dict:
        status, _, body = self.request(server, "GET", "/my-data/export.json")
        assert status == 200, body
        return json.loads(body)


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def start_session(browser: Browser, server: AppServer, assignment) -> int:
    """The patient presses Start on Today's page on `server`; the player's id is returned."""
    status, _, page = browser.request(server, "GET", "/today/")
    assert status == 200, page
    status, headers, body = browser.request(
        server,
        "POST",
        f"/plans/{assignment.pk}/start/",
        {"csrfmiddlewaretoken": _csrf_token(page)},
    )
    assert status == 302, body
    return int(re.fullmatch(r"/sessions/(\d+)/", headers["Location"]).group(1))


def finish_session(browser: Browser, server: AppServer, session_id: int) -> None:
    """On `server`, the patient does every side of every set through the player's forms,
    then finishes with a pain score of 3."""
    player = f"/sessions/{session_id}/"
    status, _, page = browser.request(server, "GET", player)
    assert status == 200, page
    token = _csrf_token(page)
    session = Session.objects.select_related("assignment__routine").get(pk=session_id)
    for step in session.assignment.routine.steps.filter(archived_at__isnull=True):
        for set_number in range(1, step.sets + 1):
            for side in step.side_names:
                status, headers, body = browser.request(
                    server,
                    "POST",
                    f"{player}complete/",
                    {
                        "csrfmiddlewaretoken": token,
                        "client_id": str(uuid.uuid4()),
                        "step": step.pk,
                        "set_number": set_number,
                        "side": side,
                        "status": "done",
                    },
                )
                assert (status, headers["Location"]) == (302, player), body
    status, headers, body = browser.request(
        server,
        "POST",
        f"{player}finish/",
        {"csrfmiddlewaretoken": token, "pain": 3, "note": "fine"},
    )
    assert (status, headers["Location"]) == (302, player), body


@pytest.fixture
def servers():
    first = AppServer()
    try:
        second = AppServer()
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_two_app_servers_share_sign_in_sessions_records_and_lockouts(
    servers, signed_up_patient, assignment
):
    a, b = servers
    patient = signed_up_patient
    phone = Browser()

    # Signed in on one server, signed in on the other.
    assert phone.sign_in(a, patient.user.username, factories.PASSWORD) == 302
    status, _, page = phone.request(b, "GET", "/today/")
    assert status == 200
    assert f"Hello {html.escape(patient.first_name)}" in page

    # A session started on one server is finished on the other; both read the same record.
    session_id = start_session(phone, a, assignment)
    assert [s["id"] for s in phone.my_data(b)["sessions"]] == [session_id]
    finish_session(phone, b, session_id)
    for server in (a, b):
        (recorded,) = phone.my_data(server)["sessions"]
        assert (recorded["id"], recorded["pain"]) == (session_id, 3)
        assert recorded["finished_at"] is not None
        steps = assignment.routine.steps.all()
        done = sum(step.sets * len(step.side_names) for step in steps)
        assert len(phone.my_data(server)["completions"]) == done

    # Both servers wrote to the one audit trail, one row per request.
    events = AuditEvent.objects.filter(patient=patient)
    assert events.filter(path_name="patients:start").count() == 1
    assert events.filter(path_name="patients:session_complete").count() == done
    assert events.filter(path_name="patients:session_finish").count() == 1
    assert events.filter(action="export").count() == 5
    assert len(set(events.values_list("request_id", flat=True))) == events.count()

    # Failures on both servers add up to one lockout that holds on both.
    intruder = Browser()
    assert intruder.sign_in(a, patient.user.username, "wrong-password-1") == 200
    assert intruder.sign_in(b, patient.user.username, "wrong-password-2") == 200
    assert intruder.sign_in(a, patient.user.username, "wrong-password-3") == 429
    assert intruder.sign_in(b, patient.user.username, factories.PASSWORD) == 429

    # Signing out everywhere ends the session on both servers.
    patient_sign_out_everywhere(patient=patient)
    for server in (a, b):
        status, headers, _ = phone.request(server, "GET", "/today/")
        assert status == 302
        assert headers["Location"].startswith("/login/")


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="the throttle's counts are shared through Redis; set REDIS_URL to run this test",
)
def test_two_app_servers_share_the_throttle_of_bad_api_keys():
    shared = {"CACHE_KEY_PREFIX": f"two-servers-{uuid.uuid4().hex}", "THROTTLE_FAILURE_LIMIT": "3"}
    a = AppServer(**shared)
    try:
        b = AppServer(**shared)
    except BaseException:
        a.stop()
        raise

    def api_status(server: AppServer, key: str) -> tuple[int, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/api/v1/patients/", headers={"Authorization": f"Bearer {key}"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, response.headers.get("Retry-After")

    try:
        # Two failures on one server and one on the other: the limit of three is reached
        # (each server alone would have allowed more).
        assert api_status(a, "guess-1")[0] == 401
        assert api_status(a, "guess-2")[0] == 401
        assert api_status(b, "guess-3")[0] == 401
        for server in (a, b):
            status, retry_after = api_status(server, "guess-4")
            assert status == 429
            assert int(retry_after) >= 1
    finally:
        a.stop()
        b.stop()
