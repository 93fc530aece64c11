"""The staff home page at clinic scale: 1,000 patients with 90 days of history.

The data is written with bulk_create: 1,000 patients, each on a daily plan for 90 days,
doing nine days in ten (81,000 finished sessions plus 9,000 left unfinished) with six
completions each (about 500,000 completions). It takes some seconds, so it is marked
`scale`; it still runs in the normal suite.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Assignment, AssignmentPause, Completion, Patient, Session
from patients.review.adherence import REFRESH_CHUNK, clinic_overview
from routines.models import Routine, RoutineStep
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.scale]

DAYS = 90
# The staff home page with every patient's summary stored, whatever the number of patients:
# the physiotherapists for the filter, which summaries no longer fit (none), the two counts,
# a page of each list, then the audit row. The export reads every row instead of two pages.
# The signed-in session and user (with the staff membership, clinic.accounts.signin.RoleBackend)
# come from the cache (clinic.signed_in): `signed_in` puts them there before each count.
DASHBOARD_QUERIES = 6
EXPORT_QUERIES = DASHBOARD_QUERIES - 1
# Working out patients with no summary yet (made in bulk here): their rows, then per chunk of
# REFRESH_CHUNK patients the assignments, pauses, sessions per day, pain reports, last
# sessions, reviews and outcome trends, and the summaries' writes.
REFRESH_QUERIES = 7


def first_visit_queries(patients: int) -> int:
    chunks = -(-patients // REFRESH_CHUNK)
    writes = sum(
        factories.summary_writes(min(REFRESH_CHUNK, patients - chunk * REFRESH_CHUNK))
        for chunk in range(chunks)
    )
    # Their empty rows first (patients.review.adherence.summaries_refresh says why).
    return (
        DASHBOARD_QUERIES + factories.summary_writes(patients) + chunks * REFRESH_QUERIES + writes
    )


_ids = itertools.count(1)


def signed_in(client) -> None:
    """A cheap signed-in request (the staff "stay signed in" call): the session and the user
    are in the cache and the session's idle clock restarts, so the count that follows is the
    page's alone, however long writing the data before it took."""
    assert client.post(reverse("keep_alive")).status_code == 200


def populate(clinic, therapist, routine, steps, patients: int) -> None:
    """`patients` patients with DAYS days of history, written in bulk."""
    today = clinic.today()
    first_day = today - datetime.timedelta(days=DAYS - 1)
    made = Patient.objects.bulk_create(
        Patient(clinic=clinic, physiotherapist=therapist, first_name="Pat", last_name=f"P{n:05}")
        for n in (next(_ids) for _ in range(patients))
    )
    # Each plan is its patient's own copy (two plans never share a routine); the recorded
    # completions point at `routine`'s steps, as after a copy made once history existed.
    plans = Routine.objects.bulk_create(
        Routine(clinic=clinic, name=routine.name, is_template=False, copied_from=routine)
        for _ in made
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(patient=patient, routine=plan, starts_on=first_day)
        for patient, plan in zip(made, plans, strict=True)
    )
    # One in twenty took a week off a month ago.
    AssignmentPause.objects.bulk_create(
        AssignmentPause(
            assignment=assignment,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today - datetime.timedelta(days=24),
        )
        for assignment in assignments[::20]
    )
    sessions = []
    for index, assignment in enumerate(assignments):
        for offset in range(DAYS):
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
    _insert_completions(made, steps)


def _insert_completions(patients, steps) -> None:
    """Six completions for each of the patients' sessions, written by the database itself.

    bulk_create of half a million model instances takes minutes; INSERT … SELECT takes
    seconds and stores exactly the rows the player would.
    """
    if connection.vendor == "postgresql":
        client_id = "lpad(to_hex(s.id * 16 + %s), 32, '0')::uuid"
    else:
        client_id = "printf('%%032x', s.id * 16 + %s)"
    ids = [patient.pk for patient in patients]
    number = 0
    with connection.cursor() as cursor:
        for step in steps:
            for set_number in range(1, step.sets + 1):
                for side in step.side_names:
                    number += 1
                    cursor.execute(
                        f"""
                        INSERT INTO patients_completion (
                            client_id, session_id, patient_id, step_id, exercise_id, side,
                            set_number, status, skip_reason, recorded_at, exercise_name,
                            hold_seconds, repetitions, sides
                        )
                        SELECT {client_id}, s.id, s.patient_id, %s, %s, %s, %s,
                            CASE WHEN s.id %% 20 = 0 THEN 'skipped' ELSE 'done' END,
                            CASE WHEN s.id %% 20 = 0 THEN 'no_time' ELSE '' END,
                            s.started_at, 'Stretch', %s, 1, %s
                        FROM patients_session s
                        WHERE s.patient_id BETWEEN %s AND %s
                        """,
                        [
                            number,
                            step.pk,
                            step.exercise_id,
                            side,
                            set_number,
                            step.hold_seconds,
                            step.sides,
                            min(ids),
                            max(ids),
                        ],
                    )


def overview_numbers(row) -> tuple:
    return (
        row.patient.pk,
        row.week,
        row.month,
        row.streak,
        row.latest_pain,
        row.pain_trend,
        row.average_pain,
        row.reason_codes,
    )


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_dashboard_queries_do_not_grow_with_1000_patients(
    client, clinic, therapist, django_assert_num_queries, subtests
):
    routine = factories.make_routine(clinic, steps=0, is_template=False)
    exercise = factories.make_exercise(clinic)
    steps = [
        RoutineStep.objects.create(
            routine=routine, exercise=exercise, position=1, sets=2, sides="both"
        ),
        RoutineStep.objects.create(
            routine=routine, exercise=exercise, position=2, sets=1, sides="each"
        ),
        RoutineStep.objects.create(
            routine=routine, exercise=exercise, position=3, sets=1, sides="each"
        ),
    ]
    client.force_login(therapist.user)

    populate(clinic, therapist, routine, steps, patients=10)
    signed_in(client)
    with django_assert_num_queries(first_visit_queries(10)):
        response = client.get(reverse("dashboard:home"))
    assert len(response.context["rows"]) == 10
    signed_in(client)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get(reverse("dashboard:home"))

    populate(clinic, therapist, routine, steps, patients=990)
    assert Patient.objects.count() == 1000
    assert Session.objects.count() == 1000 * DAYS
    assert Completion.objects.count() >= 480_000
    signed_in(client)
    with django_assert_num_queries(first_visit_queries(990)):
        client.get(reverse("dashboard:home"))
    signed_in(client)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("dashboard:home"))
    rows = response.context["rows"]
    assert len(rows) == 1000
    # Nine days in ten: today is still open, and one of the last seven days is missed.
    assert {row.week.percent for row in rows} <= {83, 86, 100}
    signed_in(client)
    with django_assert_num_queries(EXPORT_QUERIES):
        export = client.get(reverse("dashboard:export"))
    assert export.content.decode().count("\n") == 1001

    with subtests.test(msg="the stored summaries are the same as a computation from scratch"):
        fresh = clinic_overview(clinic=clinic, cached=False)
        cached = clinic_overview(clinic=clinic)
        assert [overview_numbers(row) for row in cached] == [overview_numbers(row) for row in fresh]

    with subtests.test(msg="no query scans the whole completions table"):
        if connection.vendor != "postgresql":
            pytest.skip("query plans are checked on PostgreSQL, the production database")
        assert_no_full_scan_of_completions(client)


def assert_no_full_scan_of_completions(client) -> None:
    """EXPLAIN every query of the home page and of one patient's pages (with fresh stats)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    patient = Patient.objects.order_by("pk")[500]
    with CaptureQueriesContext(connection) as dashboard:
        assert client.get(reverse("dashboard:home")).status_code == 200
    with CaptureQueriesContext(connection) as progress:
        assert client.get(reverse("dashboard:progress", args=[patient.pk])).status_code == 200
        assert (
            client.get(reverse("dashboard:progress_export", args=[patient.pk])).status_code == 200
        )
    # The home page never reads completions; a patient's pages read only theirs.
    assert not any("patients_completion" in query["sql"] for query in dashboard.captured_queries)
    reads = [
        query["sql"]
        for query in progress.captured_queries
        if query["sql"].startswith("SELECT") and "patients_completion" in query["sql"]
    ]
    assert reads
    for sql in reads:
        plan = explain(sql)
        assert "patients_completion" in plan
        assert "Seq Scan on patients_completion" not in plan, plan
