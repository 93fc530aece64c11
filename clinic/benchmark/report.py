"""docs/benchmarks.md from one run's numbers: plain data in, Markdown out."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from clinic.benchmark.targets import BASELINE, ONE, Goal

PENDING = "to be measured after merge"


@dataclass
class LoadResult:
    """One target driven by wrk for a fixed time."""

    name: str
    method: str
    path: str
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    unexpected: int = 0  # answers other than the expected status (non-2xx/3xx among them)
    socket_errors: int = 0  # connect, read, write and timeout errors
    failure: str = ""  # why it was not driven at all
    connections: int | None = None  # wrk's, when the target sets its own
    runs: int = 1  # more when rounds were merged into this one
    max_connections: int = 0  # PostgreSQL connections to the bench database, sampled
    max_active: int = 0  # of which running a query
    # CPU time per request of gunicorn (master and workers, recycled ones too) and of
    # PostgreSQL (every process of the server: backends, parallel workers, background
    # writers; clinic/benchmark/cpu.py): unlike requests/s, it hardly moves when other work
    # shares the machine.
    app_cpu_ms: float = 0.0
    db_cpu_ms: float | None = None  # None when PostgreSQL runs elsewhere
    db_client_cpu_ms: float | None = None  # of which the bench database's connections
    database: str = ONE  # which of the run's databases (targets.ONE, targets.MULTI)
    mix: str = ""  # driven at the same time as others: the CPU is the whole mix's

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + (self.db_cpu_ms or 0.0)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.unexpected + self.socket_errors


def merge(runs: list[LoadResult]) -> LoadResult:
    """One target's runs over several rounds as one: requests, time and errors add up,
    latency percentiles are the median of the rounds', CPU per request is over all requests
    and connections are the most seen."""
    measured = [run for run in runs if not run.failure]
    if len(runs) == 1 or not measured:
        return runs[0]
    requests = sum(run.requests for run in measured)

    def per_request(value: Callable[[LoadResult], float]) -> float:
        return sum(value(run) * run.requests for run in measured) / requests if requests else 0.0

    return LoadResult(
        name=runs[0].name,
        method=runs[0].method,
        path=runs[0].path,
        connections=runs[0].connections,
        requests=requests,
        seconds=sum(run.seconds for run in measured),
        p50_ms=statistics.median(run.p50_ms for run in measured),
        p95_ms=statistics.median(run.p95_ms for run in measured),
        p99_ms=statistics.median(run.p99_ms for run in measured),
        unexpected=sum(run.unexpected for run in measured),
        socket_errors=sum(run.socket_errors for run in measured),
        max_connections=max(run.max_connections for run in measured),
        max_active=max(run.max_active for run in measured),
        app_cpu_ms=per_request(lambda run: run.app_cpu_ms),
        db_cpu_ms=None
        if any(run.db_cpu_ms is None for run in measured)
        else per_request(lambda run: run.db_cpu_ms),
        db_client_cpu_ms=None
        if any(run.db_client_cpu_ms is None for run in measured)
        else per_request(lambda run: run.db_client_cpu_ms),
        database=runs[0].database,
        mix=runs[0].mix,
        runs=len(measured),
    )


@dataclass
class ComparisonResult:
    name: str
    fast_ms: float
    naive_ms: float
    fast_queries: int
    naive_queries: int
    runs: int
    same_answer: bool

    @property
    def speedup(self) -> float:
        return self.naive_ms / self.fast_ms if self.fast_ms else 0.0


@dataclass
class BenchRun:
    generated_at: str
    command: str
    machine: dict[str, str]
    setup: list[str]
    baseline_runs: list[LoadResult]
    results: list[LoadResult]
    comparisons: list[ComparisonResult]
    goals: list[Goal]
    pool_bound: int
    notes: str = ""
    problems: list[str] = field(default_factory=list)
    mixed: list[LoadResult] = field(default_factory=list)
    # What each database held, by key (targets.ONE, targets.MULTI), in the order measured.
    databases: dict[str, str] = field(default_factory=lambda: {ONE: ""})

    def baselines_in(self, database: str) -> list[LoadResult]:
        return [run for run in self.baseline_runs if run.database == database]

    def results_in(self, database: str) -> list[LoadResult]:
        return [run for run in self.results if run.database == database]

    @property
    def baseline_rps(self) -> float:
        """The mean of every baseline run (of the first database)."""
        runs = self.baselines_in(next(iter(self.databases), ONE)) or self.baseline_runs
        measured = [run.requests_per_second for run in runs if not run.failure]
        return statistics.fmean(measured) if measured else 0.0

    def _around(self, result: LoadResult, value: Callable[[LoadResult], float]) -> float:
        """The baseline a target is held against: the mean of the runs just before and just
        after it when the run interleaves them (baseline, target, baseline, target, …, baseline),
        so a machine that slows down mid-run does not skew the ratios; otherwise the mean of
        all baseline runs of its database."""
        baselines = self.baselines_in(result.database)
        results = self.results_in(result.database)
        runs = [run for run in baselines if not run.failure]
        if len(baselines) == len(results) + 1 and result in results:
            index = results.index(result)
            runs = [run for run in baselines[index : index + 2] if not run.failure]
        return statistics.fmean(value(run) for run in runs) if runs else 0.0

    def find(self, name: str, database: str = ONE) -> LoadResult | None:
        for result in self.results + self.mixed:
            if result.name == name and result.database == database:
                return result
        return None

    def baseline_cpu(self, database: str = ONE) -> float | None:
        """The baseline's CPU per request over all its runs in a database."""
        runs = [run for run in self.baselines_in(database) if not run.failure]
        return per_request_mean(runs, lambda run: run.cpu_ms) if runs else None

    def cpu_against(self, goal: Goal) -> tuple[float | None, float | None]:
        """A goal's target's CPU per request and its reference's: the baseline runs around
        the target when the reference is the baseline, else the reference target's."""
        if goal.target == BASELINE.name:
            target_cpu = self.baseline_cpu(goal.database)
        else:
            found = self.find(goal.target, goal.database)
            target_cpu = found.cpu_ms if found and not found.failure else None
        if goal.reference == BASELINE.name:
            found = self.find(goal.target, goal.database)
            if goal.database == goal.reference_database and found and not found.failure:
                reference_cpu = self._around(found, lambda run: run.cpu_ms)
            else:
                reference_cpu = self.baseline_cpu(goal.reference_database)
        else:
            found = self.find(goal.reference, goal.reference_database)
            reference_cpu = found.cpu_ms if found and not found.failure else None
        return target_cpu or None, reference_cpu or None

    def baseline_around(self, result: LoadResult) -> float:
        return self._around(result, lambda run: run.requests_per_second)

    def cpu_ratio(self, result: LoadResult) -> float | None:
        """Baseline CPU per request over the target's: the share of the baseline's throughput
        the target would reach on a machine of its own, if CPU is what limits both."""
        baseline = self._around(result, lambda run: run.cpu_ms)
        if result.failure or not result.cpu_ms or not baseline:
            return None
        return baseline / result.cpu_ms

    def ratio(self, result: LoadResult) -> float | None:
        """The target's requests/s over the baseline's around it."""
        baseline = self.baseline_around(result)
        if result.failure or not baseline:
            return None
        return result.requests_per_second / baseline

    @property
    def everything(self) -> list[LoadResult]:
        return self.baseline_runs + self.results + self.mixed

    @property
    def max_connections(self) -> int:
        return max((r.max_connections for r in self.everything), default=0)

    @property
    def total_errors(self) -> int:
        return sum(r.errors for r in self.everything)


def per_request_mean(runs: list[LoadResult], value: Callable[[LoadResult], float]) -> float:
    """A per-request figure over several runs, weighted by their requests."""
    requests = sum(run.requests for run in runs)
    if not requests:
        return statistics.fmean(value(run) for run in runs) if runs else 0.0
    return sum(value(run) * run.requests for run in runs) / requests


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _errors(results: list[LoadResult]) -> str:
    unexpected = sum(r.unexpected for r in results)
    socket_errors = sum(r.socket_errors for r in results)
    text = str(unexpected + socket_errors)
    if unexpected + socket_errors:
        text += f" ({unexpected} wrong status, {socket_errors} socket)"
    return text


def _where(result: LoadResult) -> str:
    where = f"`{result.method} {result.path}`"
    if result.connections:
        where += f" ({result.connections} connections)"
    return where


def load_rows(run: BenchRun, database: str = ONE) -> list[list[str]]:
    rows = []
    all_baselines = run.baselines_in(database)
    baselines = [r for r in all_baselines if not r.failure]
    if baselines:
        speeds = [r.requests_per_second for r in baselines]
        first = baselines[0]
        rows.append(
            [
                f"{first.name} ({sum(r.runs for r in baselines)} runs: "
                f"{min(speeds):,.0f} to {max(speeds):,.0f})",
                f"`{first.method} {first.path}`",
                f"{statistics.fmean(speeds):,.0f}",
                f"{statistics.median(r.p50_ms for r in baselines):.1f}",
                f"{statistics.median(r.p95_ms for r in baselines):.1f}",
                f"{statistics.median(r.p99_ms for r in baselines):.1f}",
                _errors(baselines),
                "",
                "(baseline)",
            ]
        )
    for result in run.results_in(database) + [r for r in all_baselines if r.failure]:
        if result.failure:
            rows.append(
                [result.name, _where(result), "not run", "", "", "", result.failure, "", "n/a"]
            )
            continue
        rows.append(
            [
                result.name,
                _where(result),
                f"{result.requests_per_second:,.0f}",
                f"{result.p50_ms:.1f}",
                f"{result.p95_ms:.1f}",
                f"{result.p99_ms:.1f}",
                _errors([result]),
                f"{run.baseline_around(result):,.0f}",
                _percent(run.ratio(result)),
            ]
        )
    return rows


def mixed_rows(run: BenchRun, database: str = ONE) -> list[list[str]]:
    rows = []
    for result in [r for r in run.mixed if r.database == database]:
        if result.failure:
            rows.append([result.name, _where(result), "not run", "", "", "", result.failure, ""])
            continue
        rows.append(
            [
                result.name,
                _where(result),
                f"{result.requests_per_second:,.0f}",
                f"{result.p50_ms:.1f}",
                f"{result.p95_ms:.1f}",
                f"{result.p99_ms:.1f}",
                _errors([result]),
                _cpu(result.cpu_ms),
            ]
        )
    return rows


def _times(value: float) -> str:
    return f"{value:.2f}×"


def judge(goal: Goal, run: BenchRun) -> tuple[str, str]:
    """What was measured for a goal, and whether it was met (and by how much it was not)."""
    if goal.min_speedup is not None:
        found = [c for c in run.comparisons if c.name == goal.name]
        if not found:
            return PENDING, PENDING
        speedup = found[0].speedup
        measured = f"{speedup:.1f}x faster than naive"
        if speedup >= goal.min_speedup:
            return measured, f"met (at least {goal.min_speedup:g}x)"
        return measured, f"MISSED: needs {goal.min_speedup:g}x, {speedup / goal.min_speedup:.0%}"
    if goal.database not in run.databases or goal.reference_database not in run.databases:
        return PENDING, PENDING
    result = run.find(goal.target, goal.database)
    if goal.target != BASELINE.name:
        if result is None:
            return PENDING, PENDING
        if result.failure:
            return "not run", f"MISSED: {result.failure}"
        if not result.requests:
            return "no answer", f"MISSED: no request was answered in {result.seconds:.0f} s"
    elif not run.baselines_in(goal.database):
        return PENDING, PENDING
    if goal.reference and goal.reference != BASELINE.name:
        reference = run.find(goal.reference, goal.reference_database)
        if reference is None:
            return PENDING, PENDING
        if reference.failure:
            return "not run", f"MISSED: {goal.reference} was not run: {reference.failure}"
        if not reference.requests:
            return "no answer", f"MISSED: {goal.reference} had no request answered"
    if goal.max_p95_ms is not None:
        measured = f"p95 {result.p95_ms:.0f} ms"
        if result.p95_ms <= goal.max_p95_ms:
            return measured, f"met (at most {goal.max_p95_ms:g} ms)"
        over = result.p95_ms - goal.max_p95_ms
        return measured, (
            f"MISSED: {over:.0f} ms over {goal.max_p95_ms:g} ms "
            f"({result.p95_ms / goal.max_p95_ms:.2f}× the goal; "
            f"{result.cpu_ms:.1f} ms of CPU per request of the mix)"
        )
    target_cpu, reference_cpu = run.cpu_against(goal)
    if target_cpu is None or reference_cpu is None:
        return "no CPU reading", "MISSED: CPU was not measured (PostgreSQL elsewhere?)"
    ratio = target_cpu / reference_cpu
    measured = f"{_times(ratio)} ({target_cpu:.1f} ms ÷ {reference_cpu:.1f} ms)"
    if ratio <= goal.max_ratio:
        return measured, f"met (at most {goal.max_ratio:g}×)"
    allowed = reference_cpu * goal.max_ratio
    return measured, (
        f"MISSED: {target_cpu - allowed:.1f} ms of CPU per request over the "
        f"{allowed:.1f} ms allowed ({goal.max_ratio:g}× {reference_cpu:.1f} ms)"
    )


def goal_rows(run: BenchRun) -> list[list[str]]:
    rows = [[goal.name, *judge(goal, run)] for goal in run.goals]
    errors = run.total_errors
    rows.append(
        [
            "0 errors under load (every target above, in every database)",
            str(errors),
            "met" if errors == 0 else f"MISSED: {errors} errors",
        ]
    )
    most = run.max_connections
    rows.append(
        [
            f"PostgreSQL connections within the pool bound ({run.pool_bound})",
            f"at most {most}",
            "met" if most <= run.pool_bound else f"MISSED: {most - run.pool_bound} over",
        ]
    )
    return rows


def _queries(count: int) -> str:
    return "1 query" if count == 1 else f"{count:,} queries"


def comparison_rows(run: BenchRun) -> list[list[str]]:
    return [
        [
            c.name,
            f"{c.fast_ms:.1f} ms ({_queries(c.fast_queries)})",
            f"{c.naive_ms:.1f} ms ({_queries(c.naive_queries)})",
            f"{c.speedup:.1f}x",
            str(c.runs),
            "yes" if c.same_answer else "NO: the two disagree",
        ]
        for c in run.comparisons
    ]


def _cpu(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _mean_or_none(values: list[float | None]) -> float | None:
    if not values or any(value is None for value in values):
        return None
    return statistics.fmean(values)


def cpu_rows(run: BenchRun, database: str = ONE) -> list[list[str]]:
    rows = []
    baselines = [r for r in run.baselines_in(database) if not r.failure]
    if baselines:
        rows.append(
            [
                f"{baselines[0].name} (mean of {sum(r.runs for r in baselines)} runs)",
                _cpu(statistics.fmean(r.app_cpu_ms for r in baselines)),
                _cpu(_mean_or_none([r.db_cpu_ms for r in baselines])),
                _cpu(_mean_or_none([r.db_client_cpu_ms for r in baselines])),
                _cpu(statistics.fmean(r.cpu_ms for r in baselines)),
                "(baseline)",
            ]
        )
    rows += [
        [
            r.name,
            _cpu(r.app_cpu_ms),
            _cpu(r.db_cpu_ms),
            _cpu(r.db_client_cpu_ms),
            _cpu(r.cpu_ms),
            _times(r.cpu_ms / baseline)
            if (baseline := run._around(r, lambda b: b.cpu_ms))
            else "n/a",
        ]
        for r in run.results_in(database)
        if not r.failure
    ]
    return rows


def connection_rows(run: BenchRun, database: str = ONE) -> list[list[str]]:
    rows = []
    baselines = [r for r in run.baselines_in(database) if not r.failure]
    if baselines:
        rows.append(
            [
                f"{baselines[0].name} ({sum(r.runs for r in baselines)} runs)",
                str(max(r.max_connections for r in baselines)),
                str(max(r.max_active for r in baselines)),
                str(run.pool_bound),
            ]
        )
    rows += [
        [r.name, str(r.max_connections), str(r.max_active), str(run.pool_bound)]
        for r in run.results_in(database) + [m for m in run.mixed if m.database == database]
        if not r.failure
    ]
    return rows


def database_section(run: BenchRun, database: str, title: str) -> list[str]:
    lines = [
        f"## Results: {title}" if title else "## Results",
        "",
        "Latencies in milliseconds. Each target is held against the baseline runs just before "
        'and after it ("baseline around it", requests/s); the baseline row gives the mean '
        "and the range of all its runs.",
        "",
        *_table(
            [
                "target",
                "request",
                "requests/s",
                "p50",
                "p95",
                "p99",
                "errors",
                "baseline around it",
                "vs baseline",
            ],
            load_rows(run, database),
        ),
        "",
        "### Server CPU per request",
        "",
        "CPU time (user + system) per request: gunicorn's master and worker processes, and "
        "every process of the PostgreSQL server (backends, parallel workers, background "
        "processes, and those that exited during the run), read from /proc around each "
        'target\'s run (clinic/benchmark/cpu.py); "its connections" is the part used by '
        "the bench database's client backends. The goals are judged on the total.",
        "",
        *_table(
            [
                "target",
                "app ms",
                "PostgreSQL ms",
                "of which its connections",
                "total ms",
                "× baseline CPU",
            ],
            cpu_rows(run, database),
        ),
    ]
    mixed = mixed_rows(run, database)
    if mixed:
        lines += [
            "",
            "### Mixed load",
            "",
            "Driven at the same time, each by its own wrk; the CPU per request is the whole "
            "mix's (both targets' CPU over both targets' requests).",
            "",
            *_table(
                ["target", "request", "requests/s", "p50", "p95", "p99", "errors", "mix CPU ms"],
                mixed,
            ),
        ]
    lines += [
        "",
        "### PostgreSQL connections during load",
        "",
        "Sampled from `pg_stat_activity` (client backends on the bench database) every 0.1 s "
        "while each target ran; the bound is gunicorn's worker processes × "
        "`DATABASE_POOL_MAX` (each worker process has its own psycopg pool).",
        "",
        *_table(
            ["target", "most connections", "most active", "pool bound"],
            connection_rows(run, database),
        ),
        "",
    ]
    return lines


def render(run: BenchRun) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` on {run.generated_at}; do not edit by hand (notes live in "
        "`clinic/benchmark/notes.md` and are copied in below).",
        "",
        "Command:",
        "",
        "```sh",
        run.command,
        "```",
        "",
        "The machine is shared and its numbers are noisy: only the ratios measured in the "
        "same run count.",
        "",
        "## Machine",
        "",
        *_table(["what", "value"], [[k, v] for k, v in run.machine.items()]),
        "",
        "## Setup",
        "",
        *[f"- {line}" for line in run.setup],
        "",
        "## Targets",
        "",
        "Each goal is a ratio measured in this run, or a latency under load: CPU per request "
        "(app + PostgreSQL) of the target over its reference's, each in the database named. "
        "A missed goal says by how much.",
        "",
        *_table(["goal", "measured", "verdict"], goal_rows(run)),
        "",
    ]
    for database, title in run.databases.items():
        lines += database_section(run, database, title)
    lines += [
        "## Staff home page server time at the scale clinic's size",
        "",
        "Each computation is timed in the benchmark process against the scale clinic, with no "
        "load running; the median of its runs counts.",
        "",
        *_table(
            ["computation", "fast", "naive", "speedup", "runs", "same answer"],
            comparison_rows(run),
        ),
        *[
            f"\n{goal.name}: {PENDING}."
            for goal in run.goals
            if goal.min_speedup is not None and goal.name not in {c.name for c in run.comparisons}
        ],
    ]
    if run.problems:
        lines += ["", "## Problems in this run", "", *[f"- {p}" for p in run.problems]]
    if run.notes.strip():
        lines += ["", "## Notes", "", run.notes.strip()]
    return "\n".join(lines) + "\n"
