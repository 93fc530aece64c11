"""Real parts for the reminder tests: an SMTP server and a Web Push service on loopback.

The SMTP server is aiosmtpd's, started on a free port, and Django's SMTP backend is pointed
at it. The push service is a small HTTP server that does what a browser vendor's does: it
checks the VAPID signature (the JWT in the Authorization header, against the key sent
with it and the key the subscription was made with) and decrypts the payload with the
subscription's private key (aes128gcm, RFC 8291), as the browser would.
"""

import base64
import datetime
import email
import email.policy
import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as django_settings
from py_vapid import Vapid02

from patients.reminders.models import PushSubscription
from tests import factories


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Inbox:
    """aiosmtpd handler keeping every message it accepted, parsed."""

    def __init__(self, delay: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, delay: float = 0.0):
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.inbox = Inbox(delay)
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    @property
    def messages(self):
        return self.inbox.messages

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, with Django's SMTP backend sending to it."""
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


class Device:
    """A browser's side of a push subscription: its ECDH key pair and auth secret."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"0123456789abcdef"

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def decrypt(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(
                body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
            )
        )


class PushService:
    """A push service on loopback. Each path is one subscription; `status` says what it
    answers (201 delivered, 410 gone, 503 down)."""

    def __init__(self):
        self.received: list[dict] = []
        self.rejected: list[str] = []
        self.status: dict[str, int] = {}
        self.devices: dict[str, Device] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = service.status.get(self.path, 201)
                if answer == 201:
                    problem = service.check(self.path, self.headers, body)
                    if problem:
                        service.rejected.append(problem)
                        answer = 401
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def check(self, path: str, headers, body: bytes) -> str | None:
        """What the push service and the browser check: the VAPID JWT and the payload."""
        scheme, _, params = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "vapid":
            return "no VAPID authorization"
        parts = dict(item.split("=", 1) for item in params.split(","))
        # The key in the header must be the one the subscription was made with.
        if parts.get("k") != django_settings.VAPID_PUBLIC_KEY:
            return "VAPID key is not the application server key"
        if not Vapid02.verify(headers["Authorization"]):
            return "VAPID signature does not verify"
        claims = json.loads(unb64url(parts["t"].split(".")[1]))
        if claims.get("aud") != self.origin:
            return f"audience {claims.get('aud')} is not {self.origin}"
        if not claims.get("sub", "").startswith("mailto:"):
            return "no subject"
        if claims["exp"] < time.time() or claims["exp"] > time.time() + 24 * 3600:
            return "expiry out of range"
        if headers.get("Content-Encoding") != "aes128gcm":
            return "not aes128gcm"
        try:
            payload = self.devices[path].decrypt(body)
        except Exception as error:
            return f"payload does not decrypt: {error!r}"
        self.received.append(
            {"path": path, "payload": payload, "topic": headers.get("Topic"), "claims": claims}
        )
        return None

    def subscribe(self, patient, name: str = "device") -> PushSubscription:
        """A browser of `patient` subscribes (as the settings page's script does)."""
        from patients.reminders.services import push_subscription_save

        device = Device()
        path = f"/push/{name}-{patient.pk}"
        self.devices[path] = device
        return push_subscription_save(
            patient=patient,
            endpoint=self.origin + path,
            p256dh=device.p256dh,
            auth=b64url(device.auth),
        )

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service(settings):
    service = PushService()
    settings.PUSH_SERVICE_HOSTS = [*settings.PUSH_SERVICE_HOSTS, service.origin]
    settings.PUSH_TIMEOUT_SECONDS = 5
    yield service
    service.stop()


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://limber.example.org"
    return settings.SITE_URL


@pytest.fixture
def every_day_assignment(patient):
    """A plan running every day for weeks around today."""
    return factories.make_assignment(
        patient, starts_on=patient.clinic.today() - datetime.timedelta(days=60)
    )
