"""docs/benchmarks.md from one run's numbers: plain data in, Markdown out."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from clinic.benchmark.targets import Goal

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
    # CPU time per request of gunicorn's workers and of PostgreSQL's backends: unlike
    # requests/s, it hardly moves when other work shares the machine.
    app_cpu_ms: float = 0.0
    db_cpu_ms: float | None = None  # None when PostgreSQL runs elsewhere

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

    @property
    def baseline_rps(self) -> float:
        """The mean of every baseline run."""
        measured = [run.requests_per_second for run in self.baseline_runs if not run.failure]
        return statistics.fmean(measured) if measured else 0.0

    def _around(self, result: LoadResult, value: Callable[[LoadResult], float]) -> float:
        """The baseline a target is held against: the mean of the runs just before and just
        after it when the run interleaves them (baseline, target, baseline, target, …, baseline),
        so a machine that slows down mid-run does not skew the ratios; otherwise the mean of
        all baseline runs."""
        runs = [run for run in self.baseline_runs if not run.failure]
        if len(self.baseline_runs) == len(self.results) + 1 and result in self.results:
            index = self.results.index(result)
            runs = [run for run in self.baseline_runs[index : index + 2] if not run.failure]
        return statistics.fmean(value(run) for run in runs) if runs else 0.0

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
    def max_connections(self) -> int:
        return max((r.max_connections for r in self.baseline_runs + self.results), default=0)

    @property
    def total_errors(self) -> int:
        return sum(r.errors for r in self.baseline_runs + self.results)


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


def load_rows(run: BenchRun) -> list[list[str]]:
    rows = []
    baselines = [r for r in run.baseline_runs if not r.failure]
    if baselines:
        speeds = [r.requests_per_second for r in baselines]
        first = baselines[0]
        rows.append(
            [
                f"{first.name} ({sum(r.runs for r in baselines)} runs: "
                f"{min(speeds):,.0f} to {max(speeds):,.0f})",
                f"`{first.method} {first.path}`",
                f"{run.baseline_rps:,.0f}",
                f"{statistics.median(r.p50_ms for r in baselines):.1f}",
                f"{statistics.median(r.p95_ms for r in baselines):.1f}",
                f"{statistics.median(r.p99_ms for r in baselines):.1f}",
                _errors(baselines),
                "",
                "(baseline)",
            ]
        )
    for result in run.results + [r for r in run.baseline_runs if r.failure]:
        where = f"`{result.method} {result.path}`"
        if result.connections:
            where += f" ({result.connections} connections)"
        if result.failure:
            rows.append([result.name, where, "not run", "", "", "", result.failure, "", "n/a"])
            continue
        rows.append(
            [
                result.name,
                where,
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
    found = [r for r in run.results if r.name == goal.name]
    if not found:
        return PENDING, PENDING
    result = found[0]
    if result.failure:
        return "not run", f"MISSED: {result.failure}"
    if goal.min_ratio is not None:
        ratio = run.ratio(result) or 0.0
        measured = f"{ratio:.0%} of baseline"
        if ratio >= goal.min_ratio:
            return measured, f"met (at least {goal.min_ratio:.0%})"
        short = (goal.min_ratio - ratio) * 100
        return measured, f"MISSED: needs {goal.min_ratio:.0%}, short by {short:.0f} points"
    measured = f"p95 {result.p95_ms:.0f} ms"
    if result.p95_ms <= goal.max_p95_ms:
        return measured, f"met (at most {goal.max_p95_ms:g} ms)"
    return measured, f"MISSED: {result.p95_ms - goal.max_p95_ms:.0f} ms over {goal.max_p95_ms:g}"


def goal_text(goal: Goal) -> str:
    if goal.min_ratio is not None:
        return f"{goal.name}: at least {goal.min_ratio:.0%} of the baseline's requests/s"
    if goal.max_p95_ms is not None:
        return f"{goal.name}: p95 at most {goal.max_p95_ms:g} ms"
    return f"{goal.name}: at least {goal.min_speedup:g}x faster than the naive computation"


def goal_rows(run: BenchRun) -> list[list[str]]:
    rows = [[goal_text(goal), *judge(goal, run)] for goal in run.goals]
    errors = run.total_errors
    rows.append(
        [
            "0 errors under load (every target above)",
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


def cpu_rows(run: BenchRun) -> list[list[str]]:
    rows = []
    baselines = [r for r in run.baseline_runs if not r.failure]
    if baselines:
        rows.append(
            [
                f"{baselines[0].name} (mean of {sum(r.runs for r in baselines)} runs)",
                _cpu(statistics.fmean(r.app_cpu_ms for r in baselines)),
                _cpu(
                    None
                    if any(r.db_cpu_ms is None for r in baselines)
                    else statistics.fmean(r.db_cpu_ms for r in baselines)
                ),
                _cpu(statistics.fmean(r.cpu_ms for r in baselines)),
                "(baseline)",
            ]
        )
    rows += [
        [r.name, _cpu(r.app_cpu_ms), _cpu(r.db_cpu_ms), _cpu(r.cpu_ms), _percent(run.cpu_ratio(r))]
        for r in run.results
        if not r.failure
    ]
    return rows


def connection_rows(run: BenchRun) -> list[list[str]]:
    rows = []
    baselines = [r for r in run.baseline_runs if not r.failure]
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
        for r in run.results
        if not r.failure
    ]
    return rows


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
        "The machine is shared and its numbers are noisy: only the ratios to the baseline "
        "measured in the same run count.",
        "",
        "## Machine",
        "",
        *_table(["what", "value"], [[k, v] for k, v in run.machine.items()]),
        "",
        "## Setup",
        "",
        *[f"- {line}" for line in run.setup],
        "",
        "## Results",
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
            load_rows(run),
        ),
        "",
        "### Server CPU per request",
        "",
        "CPU time (user + system) of gunicorn's worker processes and of PostgreSQL's backends "
        "for the bench database, read from /proc around each target's run, divided by its "
        "requests. Other work on the machine hardly moves it, so its ratio is a steadier "
        "estimate of what the throughput ratio would be on a machine of its own.",
        "",
        *_table(
            ["target", "app ms", "database ms", "total ms", "baseline CPU ÷ target CPU"],
            cpu_rows(run),
        ),
        "",
        "## Issue 8 targets",
        "",
        *_table(["goal", "measured", "verdict"], goal_rows(run)),
        "",
        "## Staff home page server time at 1,000 patients",
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
        "",
        "## PostgreSQL connections during load",
        "",
        "Sampled from `pg_stat_activity` (client backends on the bench database) every 0.1 s "
        "while each target ran; the bound is gunicorn's worker processes × `DATABASE_POOL_MAX` "
        "(each worker process has its own psycopg pool).",
        "",
        *_table(["target", "most connections", "most active", "pool bound"], connection_rows(run)),
    ]
    if run.problems:
        lines += ["", "## Problems in this run", "", *[f"- {p}" for p in run.problems]]
    if run.notes.strip():
        lines += ["", "## Notes", "", run.notes.strip()]
    return "\n".join(lines) + "\n"
