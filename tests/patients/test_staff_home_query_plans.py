"""The staff home page reads one clinic's rows through indexes, never a scan of every
clinic's sessions (issue 21): PostgreSQL's plans, with fresh statistics, over three clinics.

PostgreSQL only: SQLite's planner is not production's.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import Assignment, AssignmentPause, Patient, Session
from routines.models import Routine
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.scale]

DAYS = 60
BIG_TABLES = ("patients_session", "patients_completion")


def populate(clinic, physiotherapist, patients: int) -> None:
    """`patients` patients on a daily plan for DAYS days, nine sessions in ten finished."""
    today = clinic.today()
    first_day = today - datetime.timedelta(days=DAYS - 1)
    made = Patient.objects.bulk_create(
        Patient(clinic=clinic, physiotherapist=physiotherapist, first_name="Pat", last_name=f"P{n}")
        for n in range(patients)
    )
    plans = Routine.objects.bulk_create(
        Routine(clinic=clinic, name="Plan", is_template=False) for _ in made
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(patient=patient, routine=plan, starts_on=first_day)
        for patient, plan in zip(made, plans, strict=True)
    )
    AssignmentPause.objects.bulk_create(
        AssignmentPause(
            assignment=assignment,
            starts_on=today - datetime.timedelta(days=20),
            ends_on=today - datetime.timedelta(days=15),
        )
        for assignment in assignments[::10]
    )
    sessions = []
    for index, assignment in enumerate(assignments):
        for offset in range(DAYS - 1):
            day = first_day + datetime.timedelta(days=offset)
            started = datetime.datetime.combine(day, datetime.time(7), clinic.zone)
            finished = (index + offset) % 10 != 0
            sessions.append(
                Session(
                    patient_id=assignment.patient_id,
                    assignment=assignment,
                    local_date=day,
                    started_at=started,
                    finished_at=started + datetime.timedelta(minutes=8) if finished else None,
                    pain=(index + offset) % 8 if finished else None,
                )
            )
    Session.objects.bulk_create(sessions, batch_size=5000)


def scans_of_big_tables(queries) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if any(f"Seq Scan on {table}" in plan for table in BIG_TABLES):
                found.append(f"{query['sql']}\n{plan}")
    return found


def test_staff_home_never_scans_other_clinics_sessions(client, clinic, therapist):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL, the production database")
    populate(clinic, therapist, 150)
    for name in ("Hillside", "Lakeside"):
        other = factories.make_clinic(name)
        populate(other, factories.make_staff(other), 300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.force_login(therapist.user)
    home = reverse("dashboard:home")
    with CaptureQueriesContext(connection) as first_visit:
        assert client.get(home).status_code == 200
    assert any("patients_session" in query["sql"] for query in first_visit.captured_queries)
    with CaptureQueriesContext(connection) as stored:
        assert client.get(home + "?sort=-week&page=2").status_code == 200
    # A session started today by one patient (written plainly: these plans have no steps).
    assignment = Assignment.objects.filter(patient__clinic=clinic).first()
    Session.objects.create(
        patient_id=assignment.patient_id,
        assignment=assignment,
        local_date=clinic.today(),
        started_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as one_changed:
        assert client.get(home).status_code == 200
    with CaptureQueriesContext(connection) as export:
        assert client.get(reverse("dashboard:export")).status_code == 200
    for visit in (first_visit, stored, one_changed, export):
        assert scans_of_big_tables(visit.captured_queries) == []
    # With the summaries stored, the page reads no session at all.
    assert not any("patients_session" in query["sql"] for query in stored.captured_queries)
