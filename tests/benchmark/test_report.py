"""The benchmark's pieces that run without load: the report and its verdicts, the requests
it prepares, the sign-ins it makes, its timing hook, its reading of CPU time from /proc and
the gunicorn defaults it shares with production."""

import itertools
import os
import runpy

import pytest
from django.test import Client

from clinic.benchmark import cpu, run
from clinic.benchmark.report import BenchRun, ComparisonResult, LoadResult, judge, merge, render
from clinic.benchmark.targets import (
    BASELINE,
    GOALS,
    HELLO,
    MULTI,
    ONE,
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
    assert "| Baseline (mean of 2 runs) | 2.5 | 1.0 | n/a | 3.5 | (baseline) |" in text
    # The target's 6.0 ms per request against the baseline's 3.5 ms.
    assert "| Today page | 5.5 | 0.5 | n/a | 6.0 | 1.71× |" in text
    assert "| Session page | 4.0 | n/a | n/a | 4.0 | 1.14× |" in text


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


def cpu_result(name: str, cpu_ms: float, database: str = ONE, **fields) -> LoadResult:
    return LoadResult(
        name,
        "GET",
        "/x/",
        requests=100,
        seconds=1,
        app_cpu_ms=cpu_ms,
        db_cpu_ms=0.0,
        database=database,
        **fields,
    )


def test_report_judges_the_ratio_goals_in_cpu_and_says_by_how_much_one_is_missed():
    baselines = [cpu_result(BASELINE.name, ms) for ms in (4.0, 6.0, 4.0)]
    results = [cpu_result(HELLO.name, 1.0), cpu_result("Today page", 7.0)]
    run = sample_run(baseline_runs=baselines, results=results, comparisons=[])
    by_target = {goal.target: goal for goal in GOALS if goal.database == ONE}
    # The baseline over all its runs (14 ÷ 3 ms) against hello's 1 ms: within 5×.
    assert judge(by_target[BASELINE.name], run) == ("4.67× (4.7 ms ÷ 1.0 ms)", "met (at most 5×)")
    # Today against the baseline runs just before and after it: 7 ms ÷ 5 ms = 1.4×.
    assert judge(by_target["Today page"], run) == ("1.40× (7.0 ms ÷ 5.0 ms)", "met (at most 1.5×)")
    slow = sample_run(
        baseline_runs=baselines,
        results=[cpu_result(HELLO.name, 1.0), cpu_result("Today page", 9.0)],
        comparisons=[],
    )
    assert judge(by_target["Today page"], slow) == (
        "1.80× (9.0 ms ÷ 5.0 ms)",
        "MISSED: 1.5 ms of CPU per request over the 7.5 ms allowed (1.5× 5.0 ms)",
    )
    text = render(slow)
    assert (
        "| Today page: at most 1.5× the baseline's CPU | 1.80× (9.0 ms ÷ 5.0 ms) | MISSED" in text
    )
    assert "| 0 errors under load (every target above, in every database) | 0 | met |" in text


def test_report_holds_a_target_among_many_clinics_against_the_one_clinic_database():
    goal = Goal("Today among many", "Today page", "Today page", 1.25, database=MULTI)
    one = cpu_result("Today page", 8.0)
    many = cpu_result("Today page", 11.0, database=MULTI)
    run = sample_run(results=[one, many], comparisons=[], databases={ONE: "one", MULTI: "many"})
    assert judge(goal, run) == (
        "1.38× (11.0 ms ÷ 8.0 ms)",
        "MISSED: 1.0 ms of CPU per request over the 10.0 ms allowed (1.25× 8.0 ms)",
    )
    # Without the many-clinic database (--clinics 1) the goal waits.
    assert judge(goal, sample_run(results=[one], comparisons=[]))[1] == "to be measured after merge"
    text = render(run)
    assert "## Results: one\n" in text
    assert "## Results: many\n" in text


def test_report_judges_the_large_clinic_against_the_scale_clinic_in_the_same_database():
    (goal,) = [g for g in GOALS if g.reference_database == MULTI]
    results = [
        cpu_result("Staff home page", 40.0, database=MULTI),
        cpu_result("Staff home page, large clinic", 50.0, database=MULTI),
    ]
    run = sample_run(results=results, comparisons=[], databases={ONE: "", MULTI: "many"})
    assert judge(goal, run) == ("1.25× (50.0 ms ÷ 40.0 ms)", "met (at most 1.5×)")


def test_report_judges_the_staff_home_page_under_the_mixed_load_on_its_p95():
    (goal,) = [g for g in GOALS if g.max_p95_ms is not None]
    mixed = [
        cpu_result(goal.target, 20.0, p95_ms=420, mix="Mixed load"),
        cpu_result("Record a completion, mixed load", 20.0, p95_ms=90, mix="Mixed load"),
    ]
    run = sample_run(mixed=mixed, comparisons=[])
    assert judge(goal, run) == (
        "p95 420 ms",
        "MISSED: 120 ms over 300 ms (1.40× the goal; 20.0 ms of CPU per request of the mix)",
    )
    text = render(run)
    assert "### Mixed load" in text
    assert (
        "| Staff home page, mixed load | `GET /x/` | 100 | 0.0 | 420.0 | 0.0 | 0 | 20.0 |" in text
    )
    mixed[0].p95_ms = 250
    assert judge(goal, run) == ("p95 250 ms", "met (at most 300 ms)")
    # On a machine too busy to answer one request in the run, the goal is not met.
    mixed[0].requests, mixed[0].seconds, mixed[0].p95_ms = 0, 2.0, 0
    assert judge(goal, run) == ("no answer", "MISSED: no request was answered in 2 s")


def test_report_counts_errors_and_connections_of_the_mixed_load_too():
    busy = cpu_result("Record a completion, mixed load", 5, unexpected=4, max_connections=70)
    text = render(sample_run(mixed=[busy], results=[], comparisons=[]))
    assert "| 0 errors under load (every target above, in every database) | 4 | MISSED: 4" in text
    assert "| at most 70 | MISSED: 20 over |" in text


def test_report_without_cpu_readings_says_so():
    no_db = LoadResult("Today page", "GET", "/t/", requests=10, seconds=1)
    goal = Goal("Today", "Today page", BASELINE.name, 1.5)
    run = sample_run(results=[no_db], comparisons=[])
    assert judge(goal, run)[1].startswith("MISSED: CPU was not measured")


def test_report_flags_a_missed_speedup_and_a_missing_target():
    text = render(sample_run())
    assert "20.0x faster than naive | met (at least 10x) |" in text
    assert (
        "| 0 errors under load (every target above, in every database) | 3 | MISSED: 3 errors |"
        in text
    )
    assert "| PostgreSQL connections within the pool bound (50) | at most 12 | met |" in text


def test_report_marks_goals_without_a_target_for_after_the_merge():
    run = sample_run(results=[], comparisons=[])
    assert judge(Goal("Record", "Record a completion", BASELINE.name, 2), run) == (
        "to be measured after merge",
        "to be measured after merge",
    )
    text = render(run)
    # Twice in the goals table for each goal (the baseline's waits for the hello view),
    # and once more under the server time comparisons.
    assert text.count("to be measured after merge") == 2 * len(GOALS) + 1
    assert "\nStaff home page (server time): to be measured after merge.\n" in text


def test_report_says_when_a_reference_was_not_run():
    failed = LoadResult(HELLO.name, "GET", "/bench/hello/", failure="expected 200, got 404")
    run = sample_run(results=[failed], comparisons=[])
    (goal,) = [g for g in GOALS if g.target == BASELINE.name and g.database == ONE]
    assert judge(goal, run) == (
        "not run",
        f"MISSED: {HELLO.name} was not run: expected 200, got 404",
    )


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


def stat_line(pid, comm, ppid, utime, stime, cutime=0, cstime=0) -> str:
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    # utime stime cutime cstime priority …
    return (
        f"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 100 0 0 0 "
        f"{utime} {stime} {cutime} {cstime} 20 0 1 0 5000 1000000 500 18446744073709551615\n"
    )


def test_cpu_parses_a_stat_line_whose_name_holds_spaces_and_parentheses():
    stat = cpu.parse_stat(stat_line(42, "postgres: (x) y", 7, 150, 30, 12, 3))
    assert stat == cpu.ProcStat(42, "postgres: (x) y", 7, 150, 30, 12, 3)
    assert stat.own_ticks == 180
    assert stat.reaped_ticks == 15


def snapshot_of(*lines: str) -> dict[int, cpu.ProcStat]:
    return {stat.pid: stat for stat in map(cpu.parse_stat, lines)}


def test_cpu_of_a_tree_counts_live_children_and_reaped_ones_and_not_others():
    stats = snapshot_of(
        # The postmaster, which has reaped exited backends and parallel workers (cutime).
        stat_line(100, "postgres", 1, 5, 5, 400, 100),
        stat_line(101, "postgres", 100, 30, 10),  # a backend
        stat_line(102, "postgres", 100, 20, 0),  # a parallel worker, still running
        stat_line(103, "helper", 102, 1, 1),  # a grandchild
        stat_line(200, "postgres", 1, 999, 999),  # another server: not counted
    )
    assert cpu.tree_ticks(stats, 100) == 10 + 500 + 40 + 20 + 2
    assert cpu.tree_ticks(stats, 999) is None
    assert cpu.tree_seconds(100, stats) == pytest.approx(572 / cpu.CLOCK_TICKS)


def test_cpu_used_between_readings_keeps_what_exited_processes_used():
    before = snapshot_of(
        stat_line(100, "gunicorn", 1, 10, 0),
        stat_line(101, "gunicorn", 100, 300, 0),  # a worker, recycled before the end
    )
    after = snapshot_of(
        stat_line(100, "gunicorn", 1, 12, 0, 450, 50),  # reaped it: 500 ticks in all
        stat_line(102, "gunicorn", 100, 80, 0),  # its replacement
    )
    seconds = cpu.used(cpu.tree_seconds(100, before), cpu.tree_seconds(100, after))
    assert seconds == pytest.approx((12 + 500 + 80 - 310) / cpu.CLOCK_TICKS)
    assert cpu.used(None, 5.0) is None


def test_cpu_finds_the_postmaster_only_when_postgresql_runs_here():
    stats = snapshot_of(
        stat_line(100, "postgres", 1, 0, 0),
        stat_line(101, "postgres", 100, 0, 0),
        stat_line(300, "python", 1, 0, 0),
        stat_line(301, "bash", 300, 0, 0),
    )
    assert cpu.postmaster_of(101, stats) == 100
    # PostgreSQL elsewhere: the backend's pid is nobody here, or some other program.
    assert cpu.postmaster_of(555, stats) is None
    assert cpu.postmaster_of(301, stats) is None


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads Linux's /proc")
def test_cpu_readings_of_this_process_and_its_tree():
    assert run.cpu_seconds(os.getpid()) >= 0
    assert run.cpu_seconds(2**22 + 1) is None
    assert cpu.tree_seconds(os.getppid()) >= run.cpu_seconds(os.getpid())
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
    assert merged.database == ONE
    failed = LoadResult("Today page", "GET", "/t/", failure="expected 200, got 404")
    assert merge([failed, failed]) is failed


def test_signed_in_with_the_second_step_opens_the_admin(clinic_admin):
    signed_in = run.signed_in(clinic_admin.user, second_step=True)
    client = Client(HTTP_COOKIE=signed_in["cookie"])
    assert client.get("/admin/patients/patient/").status_code == 200
    without = Client(HTTP_COOKIE=run.signed_in(clinic_admin.user)["cookie"])
    assert without.get("/admin/patients/patient/").status_code == 302


def test_the_many_clinic_database_sits_beside_the_one_clinic_database():
    options = run.parse_args([])
    url = "postgres://bench@db.local:5433/limber_x"
    assert run.databases(url, options) == [
        ("one", url),
        ("multi", "postgres://bench@db.local:5433/limber_x_multi"),
    ]
    alone = run.parse_args(["--clinics=1", "--large-patients=0"])
    assert run.databases(url, alone) == [("one", url)]


def test_bench_runs_gunicorn_with_productions_defaults(monkeypatch):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_ACCESSLOG"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(run.GUNICORN_CONF))
    assert conf["workers"] == conf["default_workers"]()
    assert (conf["threads"], conf["worker_class"], conf["accesslog"]) == (4, "gthread", "-")
    options = run.parse_args([])
    assert (options.workers, options.threads, options.accesslog) == (conf["workers"], 4, "-")
    env = run.server_environment("postgres://x/y", options)
    assert (env["WEB_CONCURRENCY"], env["GUNICORN_THREADS"]) == (str(conf["workers"]), "4")


def test_gunicorn_settings_follow_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "1")
    monkeypatch.setenv("GUNICORN_ACCESSLOG", "off")
    conf = runpy.run_path(str(run.GUNICORN_CONF))
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 1, "sync")
    assert conf["accesslog"] is None
    options = run.parse_args([])
    assert (options.workers, options.threads, options.accesslog) == (3, 1, None)
    assert run.parse_args(["--workers=5"]).workers == 5


def test_quick_mode_shrinks_the_run_but_what_is_given_wins():
    options = run.parse_args(["--quick", "--duration=4"])
    assert (options.patients, options.clinics, options.large_patients) == (40, 3, 120)
    assert options.duration == 4
    assert options.output.name == "limber-bench-quick.md"
    full = run.parse_args([])
    assert (full.patients, full.days, full.clinics, full.large_patients) == (1000, 90, 20, 3000)
    assert full.output == run.BASE_DIR / "docs" / "benchmarks.md"


def test_cpu_finds_a_local_postgresqls_postmaster_and_reads_its_tree():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    postmaster = cpu.postmaster_of(backend)
    if postmaster is None:
        pytest.skip("PostgreSQL runs on another machine")
    # The tree holds this test's own backend and the server's background processes.
    assert cpu.tree_seconds(postmaster) > 0
    assert cpu.tree_seconds(postmaster) >= cpu.tree_seconds(backend) >= 0
