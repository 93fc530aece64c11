"""What `make bench` measures, and the goals issue 8 sets for it.

Adding a target is one line in TARGETS. Its path and body are `string.Template`s filled
from the signed-in client's fields:

- every role: `$patient_id`, `$assignment_id`, `$session_id`, `$step_id`, `$side`,
  `$set_number` (for staff: one of their clinic's patients, spread over the clients);
- patients also have an open session today (`$session_id`), started by the benchmark;
- `$client_id` in a body becomes a fresh random UUID for every request (made by wrk).

A target whose name matches a goal in GOALS is judged against it; a goal with no target
measured yet is reported as "to be measured after merge". For example:

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


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    role: str = "patient"  # whose session cookie: "patient", "physio" or "admin"
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


@dataclass(frozen=True)
class Goal:
    """One of issue 8's targets, for the load target (or comparison) of the same name."""

    name: str
    min_ratio: float | None = None  # of the baseline's requests per second
    max_p95_ms: float | None = None
    min_speedup: float | None = None  # over the naive computation


@dataclass(frozen=True)
class Comparison:
    """A fast computation timed next to a naive one over the scale clinic, both returning
    the same answer."""

    name: str
    fast: Callable[[Clinic], Any]
    naive: Callable[[Clinic], Any]


BASELINE = Target("Baseline (middleware, sign-in, one row)", "/bench/baseline/")

TARGETS = [
    Target("Today page", "/today/"),
    Target("Session page", "/sessions/$session_id/"),
    Target(
        "Record a completion",
        "/api/v1/sessions/$session_id/completions/",
        method="POST",
        expect=201,
        fresh_units=True,
        body=(
            '{"client_id": "$client_id", "step": $step_id, "set_number": $set_number,'
            ' "side": "$side", "status": "done"}'
        ),
    ),
    Target("Staff home page", "/staff/", role="physio", connections=4),
    Target("Admin patient list", "/admin/patients/patient/", role="admin", connections=4),
]

GOALS = [
    Goal("Today page", min_ratio=0.5),
    Goal("Session page", min_ratio=0.5),
    Goal("Record a completion", min_ratio=0.4),
    Goal("Staff home page", max_p95_ms=300),
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
