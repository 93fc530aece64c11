"""What `make bench` measures, and the goals issues 8 and 21 set for it.

Adding a target is one line in TARGETS. Its path and body are `string.Template`s filled
from the signed-in client's fields:

- every role: `$patient_id`, `$assignment_id`, `$session_id`, `$step_id`, `$side`,
  `$set_number` (for staff: one of their clinic's patients, spread over the clients);
- patients also have an open session today (`$session_id`), started by the benchmark;
- `$client_id` in a body becomes a fresh random UUID for every request (made by wrk).

A goal in GOALS names its target (and the reference it is held against); a goal whose
target was not measured is reported as "to be measured after merge". For example:

    Target("Today page", "/today/"),
    Target("Session page", "/sessions/$session_id/"),
    Target("Record a completion", "/api/v1/completions/", method="POST", expect=201,
           body='{"session": $session_id, "step": $step_id, "client_id": "$client_id"}'),
    Target("Staff home page", "/staff/", role="physio"),

A target may set `expect` (the status that counts as success, e.g. 201 for a create) and
`connections` (wrk's open connections for it, when not the run's default).

A comparison named "Staff home page (server time)" in COMPARISONS (the dashboard's selector
next to a naive per-patient loop) is judged against the 10x goal the same way.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from clinic.models import Clinic
from patients.models import Patient, Session
from patients.review.adherence import clinic_overview

# The databases a run measures: the scale clinic alone, and the same clinic among many
# (`--clinics` of the same size and one `--large-patients` clinic) in a database of its own.
ONE = "one"
MULTI = "multi"


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    role: str = "patient"  # whose cookie: "patient", "physio", "admin", "large_physio", "anonymous"
    method: str = "GET"
    body: str = ""
    content_type: str = "application/json"
    expect: int = 200
    # wrk's open connections when not the run's default, e.g. fewer for a staff page
    # that a handful of staff open, not every patient.
    connections: int | None = None
    # Each request names a part (session, step, set, side) nobody has recorded yet: the
    # benchmark opens new sessions today for the clients and hands out each part once, so
    # the target measures real inserts ($session_id, $step_id, $set_number, $side).
    fresh_units: bool = False
    # Driven only in these databases.
    databases: tuple[str, ...] = (ONE, MULTI)


@dataclass(frozen=True)
class Mix:
    """Targets driven at the same time, each by its own wrk: their CPU is shared."""

    name: str
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Goal:
    """One of the issues' targets, judged on what one run measured.

    - `max_ratio`: the target's CPU per request at most this many times its reference's
      (the baseline runs around it when the reference is the baseline), each in its database;
    - `max_p95_ms`: the target's 95th percentile latency;
    - `min_speedup`: a comparison's fast computation over its naive one (issue 8).
    """

    name: str
    target: str = ""
    reference: str = ""
    max_ratio: float | None = None
    max_p95_ms: float | None = None
    min_speedup: float | None = None
    database: str = ONE
    reference_database: str = ONE


@dataclass(frozen=True)
class Comparison:
    """A fast computation timed next to a naive one over the scale clinic, both returning
    the same answer."""

    name: str
    fast: Callable[[Clinic], Any]
    naive: Callable[[Clinic], Any]


# Sent with no cookie: the middleware runs, the session and the user are never loaded.
HELLO = Target("Hello (middleware only, no session)", "/bench/hello/", role="anonymous")
BASELINE = Target("Baseline (middleware, sign-in, one row)", "/bench/baseline/")
TODAY = Target("Today page", "/today/")
SESSION = Target("Session page", "/sessions/$session_id/")
COMPLETION = Target(
    "Record a completion",
    "/api/v1/sessions/$session_id/completions/",
    method="POST",
    expect=201,
    fresh_units=True,
    body=(
        '{"client_id": "$client_id", "step": $step_id, "set_number": $set_number,'
        ' "side": "$side", "status": "done"}'
    ),
)
STAFF_HOME = Target("Staff home page", "/staff/", role="physio", connections=4)
LARGE_STAFF_HOME = Target(
    "Staff home page, large clinic",
    "/staff/",
    role="large_physio",
    connections=4,
    databases=(MULTI,),
)

TARGETS = [
    HELLO,
    TODAY,
    SESSION,
    COMPLETION,
    STAFF_HOME,
    Target("Admin patient list", "/admin/patients/patient/", role="admin", connections=4),
    LARGE_STAFF_HOME,
]

# Patients recording their sessions while the staff open their home page: the staff home
# page's p95 is judged here, where its cached summaries meet new sessions and completions.
MIXED = Mix(
    "Mixed load",
    (
        Target("Staff home page, mixed load", "/staff/", role="physio", connections=4),
        Target(
            "Record a completion, mixed load",
            COMPLETION.path,
            method="POST",
            expect=201,
            fresh_units=True,
            body=COMPLETION.body,
            connections=6,
        ),
    ),
)

# The targets whose cost must not grow with the clinics beside them.
ACROSS_DATABASES = [HELLO, BASELINE, TODAY, SESSION, COMPLETION, STAFF_HOME]

GOALS = [
    Goal(
        "Signed-in one-row baseline: CPU per request at most 5× the no-session hello view's",
        target=BASELINE.name,
        reference=HELLO.name,
        max_ratio=5,
    ),
    Goal("Today page: at most 1.5× the baseline's CPU", TODAY.name, BASELINE.name, 1.5),
    Goal("Session page: at most 2× the baseline's CPU", SESSION.name, BASELINE.name, 2),
    Goal(
        "Recording a completion (POST): at most 2× the baseline's CPU",
        COMPLETION.name,
        BASELINE.name,
        2,
    ),
    Goal(
        "Staff home page at the scale clinic's size, under the mixed load: p95 at most 300 ms",
        target=MIXED.targets[0].name,
        max_p95_ms=300,
    ),
    Goal(
        "Staff home page of the large clinic: at most 1.5× its CPU at the scale clinic's size",
        target=LARGE_STAFF_HOME.name,
        reference=STAFF_HOME.name,
        max_ratio=1.5,
        database=MULTI,
        reference_database=MULTI,
    ),
    *[
        Goal(
            f"{target.name} among many clinics: at most 1.25× its CPU in the one-clinic database",
            target=target.name,
            reference=target.name,
            max_ratio=1.25,
            database=MULTI,
            reference_database=ONE,
        )
        for target in ACROSS_DATABASES
    ],
    Goal("Staff home page (server time)", min_speedup=10),
]


def finished_sessions_naive(clinic: Clinic) -> dict[int, int]:
    """One count query per patient: what a template loop over patients would do."""
    since = clinic.today() - datetime.timedelta(days=30)
    return {
        patient.id: Session.objects.filter(
            patient=patient, finished_at__isnull=False, local_date__gte=since
        ).count()
        for patient in Patient.objects.filter(clinic=clinic)
    }


def finished_sessions_aggregate(clinic: Clinic) -> dict[int, int]:
    """The same numbers in one grouped query."""
    since = clinic.today() - datetime.timedelta(days=30)
    finished = Q(sessions__finished_at__isnull=False, sessions__local_date__gte=since)
    patients = Patient.objects.filter(clinic=clinic).annotate(
        finished=Count("sessions", filter=finished)
    )
    return dict(patients.values_list("id", "finished"))


def staff_home_numbers(overview) -> dict[int, tuple]:
    return {
        row.patient.pk: (
            row.week.completed,
            row.week.scheduled,
            row.month.completed,
            row.month.scheduled,
            row.streak,
            row.latest_pain,
        )
        for row in overview
    }


def staff_home_aggregate(clinic: Clinic) -> dict[int, tuple]:
    """What the staff home page computes: every patient at once, aggregated in the database."""
    return staff_home_numbers(clinic_overview(clinic=clinic))


def staff_home_uncached(clinic: Clinic) -> dict[int, tuple]:
    """What the staff home page computes when its cached summaries do not fit the data (the
    first request after a session is started or finished, a plan or pause changes)."""
    return staff_home_numbers(clinic_overview(clinic=clinic, cached=False))


def staff_home_naive(clinic: Clinic) -> dict[int, tuple]:
    """The same numbers computed patient by patient, as a loop over the roster would."""
    numbers = {}
    for patient in Patient.objects.filter(clinic=clinic, archived_at__isnull=True):
        numbers.update(staff_home_numbers(clinic_overview(clinic=clinic, patient=patient)))
    return numbers


COMPARISONS = [
    Comparison("Staff home page (server time)", fast=staff_home_aggregate, naive=staff_home_naive),
    Comparison(
        "Staff home page, summaries not cached (server time)",
        fast=staff_home_uncached,
        naive=staff_home_naive,
    ),
    Comparison(
        "Finished sessions per patient, last 30 days",
        fast=finished_sessions_aggregate,
        naive=finished_sessions_naive,
    ),
]
