"""The benchmark's pieces that run without load: the report, the requests it prepares, the
sign-ins it makes and its timing hook."""

import itertools
import os

import pytest
from django.test import Client

from clinic.benchmark import run
from clinic.benchmark.report import BenchRun, ComparisonResult, LoadResult, judge, merge, render
from clinic.benchmark.targets import (
    GOALS,
    Comparison,
    Goal,
    Target,
    finished_sessions_aggregate,
    finished_sessions_naive,
)
from clinic.benchmark.timing import compare, time_median
from tests import factories

pytestmark = pytest.mark.django_db


def sample_run(**changes) -> BenchRun:
    fields = {
        "generated_at": "2026-11-25 10:00 UTC",
        "command": "make bench",
        "machine": {"CPU": "Test CPU", "cores": "2"},
        "setup": ["Data: a sample."],
        "baseline_runs": [
            LoadResult("Baseline", "GET", "/bench/baseline/", requests=2000, seconds=10),
            LoadResult("Baseline", "GET", "/bench/baseline/", requests=1000, seconds=10),
        ],
        "results": [
            LoadResult(
                "Today page",
                "GET",
                "/today/",
                requests=900,
                seconds=10,
                p50_ms=12.34,
                p95_ms=40.0,
                p99_ms=61.0,
                max_connections=12,
                max_active=3,
            ),
            LoadResult("Session page", "GET", "/sessions/1/", requests=675, seconds=10),
            LoadResult(
                "Staff home page",
                "GET",
                "/staff/",
                connections=2,
                requests=100,
                seconds=10,
                p95_ms=350,
                unexpected=2,
                socket_errors=1,
            ),
        ],
        "comparisons": [
            ComparisonResult("Staff home page (server time)", 20.0, 400.0, 5, 1001, 5, True)
        ],
        "goals": GOALS,
        "pool_bound": 50,
        "notes": "Why it is as fast as it is.",
    }
    fields.update(changes)
    return BenchRun(**fields)


def test_report_tabulates_each_target_against_the_baseline():
    text = render(sample_run())
    # Not interleaved: the baseline is the mean of its two runs, (200 + 100) / 2 = 150 req/s.
    assert "| Baseline (2 runs: 100 to 200) | `GET /bench/baseline/` | 150 |" in text
    assert "| Today page | `GET /today/` | 90 | 12.3 | 40.0 | 61.0 | 0 | 150 | 60% |" in text
    staff_row = "| Staff home page | `GET /staff/` (2 connections) | 10 | 0.0 | 350.0 | 0.0 |"
    assert f"{staff_row} 3 (2 wrong status, 1 socket) | 150 | 7% |" in text
    assert "| CPU | Test CPU |" in text
    assert "```sh\nmake bench\n```" in text
    assert "## Notes\n\nWhy it is as fast as it is." in text


def test_report_sets_server_cpu_per_request_beside_the_baselines():
    baselines = [
        LoadResult("Baseline", "GET", "/b/", requests=100, seconds=1, app_cpu_ms=2, db_cpu_ms=0.5),
        LoadResult("Baseline", "GET", "/b/", requests=100, seconds=1, app_cpu_ms=3, db_cpu_ms=1.5),
    ]
    today = LoadResult(
        "Today page", "GET", "/t/", requests=50, seconds=1, app_cpu_ms=5.5, db_cpu_ms=0.5
    )
    remote = LoadResult("Session page", "GET", "/s/", requests=50, seconds=1, app_cpu_ms=4)
    text = render(sample_run(baseline_runs=baselines, results=[today, remote]))
    assert "| Baseline (mean of 2 runs) | 2.5 | 1.0 | 3.5 | (baseline) |" in text
    # Baseline CPU 3.5 ms per request against the target's 6.0 ms: 58%.
    assert "| Today page | 5.5 | 0.5 | 6.0 | 58% |" in text
    assert "| Session page | 4.0 | n/a | 4.0 | 88% |" in text


def test_report_holds_each_target_against_the_baseline_runs_around_it():
    speeds = [200, 100, 300]
    baselines = [LoadResult("Baseline", "GET", "/b/", requests=n, seconds=1) for n in speeds]
    first = LoadResult("Today page", "GET", "/today/", requests=100, seconds=1)
    second = LoadResult("Session page", "GET", "/s/", requests=100, seconds=1)
    run = sample_run(baseline_runs=baselines, results=[first, second])
    assert run.ratio(first) == pytest.approx(100 / 150)
    assert run.ratio(second) == pytest.approx(100 / 200)
    text = render(run)
    assert "| Baseline (3 runs: 100 to 300) | `GET /b/` | 200 |" in text
    assert "| Session page | `GET /s/` | 100 | 0.0 | 0.0 | 0.0 | 0 | 200 | 50% |" in text
    assert "| Baseline (3 runs) | 0 | 0 | 50 |" in text


def test_report_judges_the_goals_and_says_by_how_much_one_is_missed():
    text = render(sample_run())
    assert "| Today page: at least 50% of the baseline's requests/s | 60% of baseline | met" in text
    assert "45% of baseline | MISSED: needs 50%, short by 5 points |" in text
    assert "| p95 350 ms | MISSED: 50 ms over 300 |" in text
    assert "20.0x faster than naive | met (at least 10x) |" in text
    assert "| 0 errors under load (every target above) | 3 | MISSED: 3 errors |" in text
    assert "| PostgreSQL connections within the pool bound (50) | at most 12 | met |" in text


def test_report_marks_goals_without_a_target_for_after_the_merge():
    run = sample_run(results=[], comparisons=[])
    assert judge(Goal("Record a completion", min_ratio=0.4), run) == (
        "to be measured after merge",
        "to be measured after merge",
    )
    text = render(run)
    # Twice in the goals table, and once more under the server time comparisons.
    assert text.count("to be measured after merge") == 2 * len(GOALS) + 1
    assert "\nStaff home page (server time): to be measured after merge.\n" in text


def test_report_shows_a_target_that_could_not_run_and_too_many_connections():
    failed = LoadResult("Today page", "GET", "/today/", failure="expected 200, got 404")
    busy = LoadResult("Session page", "GET", "/s/", requests=10, seconds=1, max_connections=60)
    text = render(sample_run(results=[failed, busy], comparisons=[]))
    assert "| Today page | `GET /today/` | not run |" in text
    assert "| not run | MISSED: expected 200, got 404 |" in text
    assert "| at most 60 | MISSED: 10 over |" in text


def test_report_flags_a_slow_speedup():
    slow = ComparisonResult("Staff home page (server time)", 100.0, 400.0, 5, 1001, 5, False)
    text = render(sample_run(comparisons=[slow]))
    assert "4.0x faster than naive | MISSED: needs 10x, 40% |" in text
    assert "| computation | fast | naive | speedup | runs | same answer |" in text
    assert "| 100.0 ms (5 queries) | 400.0 ms (1,001 queries) | 4.0x | 5 | NO: the two" in text


def test_request_lines_fill_in_each_clients_fields():
    clients = [
        {"cookie": "sessionid=a", "csrf": "tok-a", "fields": {"session_id": 7, "step_id": 3}},
        {"cookie": "sessionid=b", "csrf": "tok-b", "fields": {"session_id": 8, "step_id": 4}},
    ]
    post = Target(
        "Record a completion",
        "/api/v1/sessions/$session_id/completions/",
        method="POST",
        body='{"step": $step_id, "client_id": "$client_id"}',
    )
    lines = run.request_lines(post, clients)
    assert lines[1] == [
        "POST",
        "/api/v1/sessions/8/completions/",
        "sessionid=b",
        "tok-b",
        "application/json",
        # wrk puts a fresh UUID in place of $client_id for every request.
        '{"step": 4, "client_id": "$client_id"}',
    ]
    (get,) = run.request_lines(Target("Session page", "/sessions/$session_id/"), clients[:1])
    assert get == ["GET", "/sessions/7/", "sessionid=a", "", "", ""]


def test_request_lines_refuse_a_tab():
    with pytest.raises(ValueError, match="no tabs"):
        run.request_lines(
            Target("Bad", "/", body="a\tb"), [{"cookie": "c", "csrf": "t", "fields": {}}]
        )


def test_signed_in_cookies_open_pages_and_pass_csrf(patient):
    signed_in = run.signed_in(patient.user)
    client = Client(enforce_csrf_checks=True, HTTP_COOKIE=signed_in["cookie"])
    assert client.get("/today/").status_code == 200
    response = client.post("/logout/", HTTP_X_CSRFTOKEN=signed_in["csrf"])
    assert response.status_code == 302
    # Signed out: the same cookie no longer opens the page.
    assert client.get("/today/").url.startswith("/login/")


def test_database_url_falls_back_to_a_local_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///limber.sqlite3")
    assert run.database_url() == "postgres://postgres@127.0.0.1:5432/limber_bench"
    monkeypatch.setenv("DATABASE_URL", "postgres://bench:s3cret@db.local:5433/limber_x")
    assert run.database_url() == "postgres://bench:s3cret@db.local:5433/limber_x"
    assert run.shown_url(run.database_url()) == "postgres://bench:***@db.local:5433/limber_x"


def test_time_median_calls_the_function_each_run():
    calls = []
    seconds = time_median(lambda: calls.append(1), runs=7)
    assert len(calls) == 7
    assert seconds >= 0


def test_compare_counts_queries_and_checks_both_give_the_same_answer(clinic, therapist):
    for _ in range(3):
        assignment = factories.make_assignment(factories.make_patient(clinic, therapist))
        factories.make_finished_session(assignment)
    result = compare(
        Comparison("Finished", fast=finished_sessions_aggregate, naive=finished_sessions_naive),
        clinic,
        runs=2,
    )
    assert result.same_answer
    assert result.fast_queries == 1
    assert result.naive_queries == 1 + 3
    assert finished_sessions_aggregate(clinic) == {p.id: 1 for p in clinic.patients.all()}


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads Linux's /proc")
def test_cpu_readings_find_a_process_and_its_children():
    assert run.cpu_seconds(os.getpid()) >= 0
    assert os.getpid() in run.children(os.getppid())
    assert run.cpu_seconds(2**22 + 1) is None
    assert run.cpu_used({1: 1.0, 2: 5.0}, {1: 1.5, 3: 9.0}) == pytest.approx(0.5)


def test_report_tables_have_as_many_cells_as_headers():
    lines = render(sample_run()).splitlines()
    tables = 0
    for number, line in enumerate(lines):
        if line.startswith("|") and lines[number + 1].startswith("| ---"):
            tables += 1
            width = line.count(" | ")
            for row in itertools.takewhile(lambda text: text.startswith("|"), lines[number:]):
                assert row.count(" | ") == width, row
    assert tables == 6


def test_rounds_of_one_target_merge_into_one_result():
    rounds = [
        LoadResult(
            "Today page",
            "GET",
            "/t/",
            requests=100,
            seconds=10,
            p95_ms=10,
            unexpected=1,
            max_connections=6,
            app_cpu_ms=2,
            db_cpu_ms=1,
        ),
        LoadResult(
            "Today page",
            "GET",
            "/t/",
            requests=300,
            seconds=10,
            p95_ms=30,
            socket_errors=2,
            max_connections=8,
            app_cpu_ms=4,
            db_cpu_ms=None,
        ),
    ]
    merged = merge(rounds)
    assert merged.requests_per_second == 20
    assert merged.p95_ms == 20
    assert merged.errors == 3
    assert merged.max_connections == 8
    assert merged.app_cpu_ms == pytest.approx(3.5)
    assert merged.db_cpu_ms is None
    assert merged.runs == 2
    failed = LoadResult("Today page", "GET", "/t/", failure="expected 200, got 404")
    assert merge([failed, failed]) is failed
