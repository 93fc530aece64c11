"""Real worker processes on PostgreSQL: two race over 500 due reminders and each is sent
once; a worker killed mid-batch loses nothing, and the only reminder that can arrive twice
is the one that was in flight when it died (services module docstring).

Each worker is `manage.py send_reminders --once` (the pass django-q2's schedule runs every
minute) in its own process, with production settings, pointed at the test database and at
an SMTP server on loopback. One more test starts django-q2's own cluster (`qcluster`).
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from clinic.models import User
from patients.models import Assignment, Patient
from patients.reminders.models import Delivery, ReminderSettings
from routines.builder.services import routine_copy
from tests import factories

from .conftest import SmtpServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="workers racing over row locks need PostgreSQL; set DATABASE_URL to run it",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
# The killed worker's lease: far longer than the next worker's whole pass on a busy machine.
LEASE = 600


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _worker_env(smtp: SmtpServer, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST")) and key != "DEBUG"
    }
    env.update(
        SECRET_KEY="workers-test-secret-workers-test-secret-workers-test-secret",
        DATABASE_URL=_database_url(),
        DATABASE_POOL="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        SITE_URL="https://limber.example.org",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def _worker(smtp: SmtpServer, *args: str, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", "--once", *args],
        cwd=ROOT,
        env=_worker_env(smtp, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _handled(process: subprocess.Popen) -> int:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return int(out.strip().split()[-1])


def _patients_due_now(count: int) -> list[Patient]:
    """`count` patients on a daily plan whose reminder time fell due five minutes ago."""
    clinic = factories.make_clinic("Race Physio")
    template = factories.make_routine(clinic, steps=1, is_template=False)
    users = User.objects.bulk_create(
        [User(username=f"racer{n}", password="!") for n in range(count)]
    )
    patients = Patient.objects.bulk_create(
        [
            Patient(
                clinic=clinic,
                user=user,
                first_name="Racer",
                last_name=str(n),
                email=f"racer{n}@example.org",
            )
            for n, user in enumerate(users)
        ]
    )
    start = clinic.today() - datetime.timedelta(days=7)
    # Two plans never share a routine: each patient follows a copy of its own.
    routines = [routine_copy(routine=template, clinic=clinic, is_template=False) for _ in patients]
    Assignment.objects.bulk_create(
        [
            Assignment(patient=p, routine=routine, starts_on=start)
            for p, routine in zip(patients, routines, strict=True)
        ]
    )
    due = (timezone.now() - datetime.timedelta(minutes=5)).astimezone(clinic.zone)
    ReminderSettings.objects.bulk_create(
        [ReminderSettings(patient=p, email=True, times=[f"{due:%H:%M}"]) for p in patients]
    )
    return patients


def test_two_workers_race_over_500_due_reminders_and_send_each_once():
    smtp = SmtpServer(delay=0.01)
    try:
        patients = _patients_due_now(500)
        # Both plan (the same 500 rows) and both send, at the same time.
        first, second = _worker(smtp), _worker(smtp)
        handled = (_handled(first), _handled(second))
    finally:
        smtp.stop()

    deliveries = Delivery.objects.filter(patient__in=patients)
    assert deliveries.count() == 500
    assert set(deliveries.values_list("state", flat=True)) == {"sent"}
    assert set(deliveries.values_list("attempts", flat=True)) == {1}
    assert sum(handled) == 500
    assert min(handled) > 0, f"one worker sent everything: {handled}"
    ids = Counter(message["Message-ID"] for message in smtp.messages)
    assert len(smtp.messages) == 500
    assert ids.most_common(1)[0][1] == 1
    assert {message["To"] for message in smtp.messages} == {p.email for p in patients}


def test_worker_killed_mid_batch_loses_nothing_and_resends_only_what_was_in_flight():
    smtp = SmtpServer(delay=0.05)
    try:
        patients = _patients_due_now(100)
        doomed = _worker(smtp, REMINDER_LEASE_SECONDS=str(LEASE))
        deadline = time.monotonic() + 120
        while len(smtp.messages) < 30:
            assert time.monotonic() < deadline, doomed.stderr.read() if doomed.poll() else ""
            time.sleep(0.01)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)

        sent_at_kill = set(Delivery.objects.filter(state="sent").values_list("pk", flat=True))
        in_flight = set(Delivery.objects.filter(state="sending").values_list("pk", flat=True))
        waiting = Delivery.objects.filter(state="pending").count()
        assert len(in_flight) <= 1  # one send at a time: at most one in flight
        assert len(sent_at_kill) + len(in_flight) + waiting == 100
        assert 30 <= len(sent_at_kill) + len(in_flight) < 100

        # A second worker before the lease runs out leaves the claimed row alone.
        assert _handled(_worker(smtp, "--no-plan")) == waiting
        assert Delivery.objects.filter(state="sending").count() == len(in_flight)
        # The lease runs out (the clock moved on rather than the test waiting LEASE
        # seconds): the row the dead worker held is sent by the next worker.
        Delivery.objects.filter(state="sending").update(
            lease_until=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert _handled(_worker(smtp, "--no-plan")) == len(in_flight)
    finally:
        smtp.stop()

    deliveries = Delivery.objects.filter(patient__in=patients)
    assert set(deliveries.values_list("state", flat=True)) == {"sent"}  # nothing lost
    received = Counter(message["Message-ID"] for message in smtp.messages)
    assert set(received) == {
        f"<reminder-{pk}@limber.example.org>" for pk in deliveries.values_list("pk", flat=True)
    }
    twice = {message_id for message_id, count in received.items() if count > 1}
    # Nothing recorded as sent is ever sent again; only the in-flight one may repeat, and
    # then with the same Message-ID (one message to the reader's mail program).
    assert twice <= {f"<reminder-{pk}@limber.example.org>" for pk in in_flight}
    for pk in sent_at_kill:
        assert received[f"<reminder-{pk}@limber.example.org>"] == 1
    assert sum(received.values()) - len(received) == len(twice) <= 1


def test_django_q_cluster_runs_the_reminder_schedule():
    """The production worker: django-q2's cluster runs the every-minute schedule (made by
    the migration) and the reminder arrives."""
    smtp = SmtpServer()
    try:
        _patients_due_now(3)
        from django_q.models import Schedule

        # The migration made this row; a transactional test's flush may have removed it.
        Schedule.objects.update_or_create(
            name="reminders",
            defaults={
                "func": "patients.reminders.tasks.plan_and_send_reminders",
                "schedule_type": Schedule.MINUTES,
                "minutes": 1,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=_worker_env(smtp),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 90
            while len(smtp.messages) < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            cluster.send_signal(signal.SIGTERM)
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cluster.kill()
                cluster.wait()
    finally:
        smtp.stop()
    assert len(smtp.messages) == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
