"""`python -m clinic.benchmark` (what `make bench` runs).

1. PostgreSQL: DATABASE_URL if it points at PostgreSQL, else postgres@127.0.0.1/limber_bench;
   the database is created when missing, then migrated.
2. The scale clinic (seed_scale), reused when it is already there; collectstatic.
3. The naive-versus-fast comparisons, timed here with no load running.
4. gunicorn with production settings on a free loopback port, then wrk: the baseline before
   each target of `targets.TARGETS` and once more at the end. Meanwhile PostgreSQL's
   connections are sampled and the CPU time of gunicorn's workers and PostgreSQL's backends
   is read from /proc.
5. docs/benchmarks.md, through `report.render`.

Django is set up only after the environment is in place, so this module imports nothing of
the project at the top.
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
NOTES = Path(__file__).resolve().parent / "notes.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/limber_bench"
# Not a secret: it signs the benchmark's own sessions on a loopback-only server.
BENCH_SECRET_KEY = "benchmark-only-key-for-a-loopback-server-never-used-in-production"
RESULT_MARK = "BENCH_RESULT "
CONNECTIONS_SQL = """
    SELECT pid, state = 'active'
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid()
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master
    db_url: str
    workdir: Path


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used so far (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m clinic.benchmark",
        description="Measure Limber under load against a baseline; write docs/benchmarks.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--patients", type=int, default=1000, help="patients in the scale clinic")
    add("--days", type=int, default=90, help="days of history")
    add("--duration", type=int, default=12, help="seconds of load per target")
    add("--warmup", type=int, default=3, help="seconds of load per target before measuring")
    add("--rounds", type=int, default=1, help="times to go through all the targets")
    add("--connections", type=int, default=10, help="wrk's open connections")
    add("--wrk-threads", type=int, default=1, help="wrk's threads")
    # One process per core with four threads each beat gunicorn's usual 2 × cores + 1 sync
    # workers here on both requests/s and CPU per request (see clinic/benchmark/notes.md).
    add("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    add("--threads", type=int, default=4, help="threads per gunicorn worker (gthread if > 1)")
    add(
        "--pool-max",
        type=int,
        default=int(os.environ.get("DATABASE_POOL_MAX", 10)),
        help="DATABASE_POOL_MAX: the psycopg pool's size per worker process",
    )
    add("--clients", type=int, default=50, help="signed-in patients the requests go round")
    add("--runs", type=int, default=5, help="timed runs of each comparison")
    add("--output", type=Path, default=BASE_DIR / "docs" / "benchmarks.md", help="the report")
    return parser.parse_args(argv)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_DATABASE_URL


def shown_url(url: str) -> str:
    """The URL without its password, for the report."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=f"{parts.username}:***@{host}")
    return urlunsplit(parts)


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created the database {name}.")


def server_environment(url: str, options: argparse.Namespace) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, collected static files, the pool on."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_MANIFEST="1",
        DATABASE_POOL="1",
        DATABASE_POOL_MAX=str(options.pool_max),
        BENCHMARK_BASELINE="1",
        LOG_LEVEL="WARNING",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_once(port: int, line: list[str]) -> tuple[int, str]:
    method, path, cookie, csrf, content_type, body = line
    headers = {"Cookie": cookie}
    if csrf:
        headers["X-CSRFToken"] = csrf
    if content_type:
        headers["Content-Type"] = content_type
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body.replace("$client_id", str(uuid.uuid4())) or None, headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, options: argparse.Namespace, log: Path):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "clinic.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={options.workers}",
        f"--threads={options.threads}",
        f"--worker-class={'gthread' if options.threads > 1 else 'sync'}",
        "--log-level=warning",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ConnectionSampler:
    """Counts the bench database's client connections every 0.1 s, in a thread, and reads
    the CPU time their server processes use (where PostgreSQL runs on this machine)."""

    def __init__(self, url: str):
        self.url = url
        self.most = 0
        self.most_active = 0
        self.first_cpu: dict[int, float] = {}
        self.last_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while True:
                rows = conn.execute(CONNECTIONS_SQL).fetchall()
                self.most = max(self.most, len(rows))
                self.most_active = max(self.most_active, sum(active for _, active in rows))
                for pid, _ in rows:
                    seconds = cpu_seconds(pid)
                    if seconds is not None:
                        self.first_cpu.setdefault(pid, seconds)
                        self.last_cpu[pid] = seconds
                if self._stop.wait(0.1):
                    break

    @property
    def cpu(self) -> float | None:
        return cpu_used(self.first_cpu, self.last_cpu) if self.last_cpu else None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


# Fresh parts prepared per second of a fresh-insert target's run: about twice the
# baseline's requests per second on the 2-core machine, so the lines do not run out (if
# they did, the repeats would be answered 200 and counted as errors).
FRESH_PER_SECOND = 800


def run_wrk(url: str, lines: Path, target, seconds: int, options) -> dict:
    connections = target.connections or options.connections
    command = [
        "wrk",
        f"--threads={min(options.wrk_threads, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={LUA_SCRIPT}",
        url,
        "--",
        str(lines),
        str(target.expect),
        str(min(options.wrk_threads, connections)),
    ]
    done = subprocess.run(  # noqa: S603 (wrk, fixed arguments)
        command, capture_output=True, text=True, timeout=seconds + 120, check=True
    )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line.removeprefix(RESULT_MARK))
    raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


def drive(target, clients, server: Server, options, *, warm: bool):
    """Check one request answers as expected, warm up (the first time), then measure."""
    from clinic.benchmark.report import LoadResult

    made_sessions: list[int] = []

    def prepared_lines(seconds: int) -> list[list[str]]:
        if target.fresh_units:
            # Every run gets parts never recorded before, so each request is a real insert.
            units = unrecorded_units(
                clients[target.role], FRESH_PER_SECOND * seconds, made_sessions
            )
            return request_lines(target, units)
        return request_lines(target, clients[target.role])

    lines = prepared_lines(options.warmup if warm and options.warmup else options.duration)
    result = LoadResult(
        name=target.name,
        method=target.method,
        path=target.path,
        connections=target.connections,
    )
    status, location = request_once(server.port, lines[0])
    if status != target.expect:
        result.failure = f"expected {target.expect}, got {status}" + (
            f" to {location}" if location else ""
        )
        print(f"  {target.name}: not run, {result.failure}")
        forget_sessions(made_sessions)
        return result
    data = server.workdir / "requests.tsv"
    if target.fresh_units:
        lines = lines[1:]  # the check above recorded the first one
    data.write_text("".join("\t".join(line) + "\n" for line in lines))
    url = f"http://127.0.0.1:{server.port}"
    if warm and options.warmup:
        run_wrk(url, data, target, options.warmup, options)
        if target.fresh_units:
            lines = prepared_lines(options.duration)
            data.write_text("".join("\t".join(line) + "\n" for line in lines))
    workers = children(server.pid)
    app_before = {pid: cpu_seconds(pid) for pid in workers}
    with ConnectionSampler(server.db_url) as sampler:
        numbers = run_wrk(url, data, target, options.duration, options)
    app_after = {pid: cpu_seconds(pid) for pid in workers}
    app_cpu = cpu_used(
        {k: v for k, v in app_before.items() if v is not None},
        {k: v for k, v in app_after.items() if v is not None},
    )
    forget_sessions(made_sessions)
    result.requests = numbers["requests"]
    result.seconds = numbers["duration_us"] / 1e6
    result.p50_ms = numbers["p50_us"] / 1000
    result.p95_ms = numbers["p95_us"] / 1000
    result.p99_ms = numbers["p99_us"] / 1000
    result.unexpected = numbers["unexpected"]
    result.socket_errors = sum(numbers[k] for k in ("connect", "read", "write", "timeout"))
    result.max_connections = sampler.most
    result.max_active = sampler.most_active
    if result.requests:
        result.app_cpu_ms = app_cpu * 1000 / result.requests
        if sampler.cpu is not None:
            result.db_cpu_ms = sampler.cpu * 1000 / result.requests
    print(
        f"  {target.name}: {result.requests_per_second:,.0f} req/s, p95 {result.p95_ms:.1f} ms, "
        f"{result.errors} errors, up to {sampler.most} connections, "
        f"CPU {result.app_cpu_ms:.1f} + {result.db_cpu_ms or 0:.1f} ms per request"
    )
    return result


def forget_sessions(session_ids: list[int]) -> None:
    """Delete the sessions opened for a fresh-insert target (their completions with them),
    so the other targets and later runs see the same clinic."""
    from django.db.models import ProtectedError

    from patients.models import Completion, Session

    # Requests still in flight when wrk stops may record a completion after the first pass.
    for _attempt in range(10):
        if not session_ids:
            return
        Completion.objects.filter(session_id__in=session_ids).delete()
        try:
            Session.objects.filter(id__in=session_ids).delete()
            return
        except ProtectedError:
            time.sleep(0.2)
    raise RuntimeError("could not delete the sessions opened for the insert target")


def request_lines(target, clients: list[dict]) -> list[list[str]]:
    """One prepared request per signed-in client: method, path, cookie, CSRF token,
    content type and body, with the client's fields filled in."""
    lines = []
    for client in clients:
        fields = client["fields"]
        body = Template(target.body).safe_substitute(fields)
        line = [
            target.method,
            Template(target.path).safe_substitute(fields),
            client["cookie"],
            client["csrf"] if target.method != "GET" else "",
            target.content_type if body else "",
            body,
        ]
        if any("\t" in value or "\n" in value for value in line):
            raise ValueError(f"{target.name}: no tabs or newlines in a request, please")
        lines.append(line)
    return lines


def unrecorded_units(clients: list[dict], wanted: int, made: list[int]) -> list[dict]:
    """`wanted` parts (session, step, set, side) that nobody has recorded yet,
    spread over the clients: new open sessions today on each client's assignment, every
    side of every set of every active step of each, taken in turn from client to client.
    The new sessions' ids go on `made`, for the caller to delete after the run."""
    from patients.models import Assignment, Session
    from routines.models import RoutineStep

    per_client: list[list[dict]] = []
    share = -(-wanted // len(clients))
    now = timezone_now()
    for client in clients:
        fields = client["fields"]
        assignment = Assignment.objects.select_related("patient__clinic").get(
            pk=fields["assignment_id"]
        )
        steps = list(
            RoutineStep.objects.filter(
                routine_id=assignment.routine_id, archived_at__isnull=True
            ).order_by("position", "id")
        )
        units_per_session = sum(step.sets * len(step.side_names) for step in steps)
        count = -(-share // units_per_session)
        sessions = Session.objects.bulk_create(
            Session(
                patient=assignment.patient,
                assignment=assignment,
                started_at=now,
                local_date=assignment.patient.clinic.today(),
            )
            for _ in range(count)
        )
        made.extend(session.id for session in sessions)
        units = [
            {
                **client,
                "fields": {
                    **fields,
                    "session_id": session.id,
                    "step_id": step.id,
                    "set_number": set_number,
                    "side": side,
                },
            }
            for session in sessions
            for step in steps
            for set_number in range(1, step.sets + 1)
            for side in step.side_names
        ]
        per_client.append(units[:share])
    # Round-robin over the clients, so concurrent requests come from different patients.
    return [units[i] for i in range(share) for units in per_client if i < len(units)]


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def signed_in(user) -> dict[str, str]:
    """A session and CSRF cookie for `user`, made as Django's login would make them."""
    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest
    from django.middleware.csrf import CSRF_SESSION_KEY, get_token

    request = HttpRequest()
    request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="wrk (make bench)")
    request.session = SessionStore()
    login(request, user, backend="clinic.accounts.signin.RoleBackend")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    if settings.CSRF_USE_SESSIONS:
        request.session[CSRF_SESSION_KEY] = secret
    request.session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"
    if not settings.CSRF_USE_SESSIONS:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={secret}"
    return {"cookie": cookie, "csrf": token}


def prepare_clients(clinic, count: int) -> dict[str, list[dict]]:
    """Signed-in patients with an open session today each, and the clinic's physiotherapist
    and admin, who go round the same patients' fields."""
    from clinic.models import StaffMember
    from patients.models import Patient, Session
    from patients.sessions.selectors import patient_today
    from patients.sessions.services import session_start

    patients = (
        Patient.objects.filter(clinic=clinic, user__isnull=False)
        .select_related("user", "clinic")
        .order_by("id")[:count]
    )
    today = clinic.today()
    clients = {"patient": [], "physio": [], "admin": []}
    for patient in patients:
        assignment = patient_today(patient=patient)[0]
        session = Session.objects.filter(
            assignment=assignment, local_date=today, finished_at__isnull=True
        ).first() or session_start(assignment=assignment)
        step = assignment.routine.steps.filter(archived_at__isnull=True).first()
        fields = {
            "patient_id": patient.id,
            "assignment_id": assignment.id,
            "session_id": session.id,
            "step_id": step.id,
            "side": step.side_names[0],
            "set_number": 1,
        }
        clients["patient"].append({**signed_in(patient.user), "fields": fields})
    for role, member_role in (("physio", "physio"), ("admin", "admin")):
        member = StaffMember.objects.filter(clinic=clinic, role=member_role).first()
        staff = signed_in(member.user)
        clients[role] = [{**staff, "fields": c["fields"]} for c in clients["patient"]]
    return clients


def machine(options) -> dict[str, str]:
    import django
    import gunicorn as gunicorn_package
    import psycopg
    from django.db import connection

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout  # noqa: S607
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "load average at start (1, 5, 15 min)": load,
        "load average at the end": "",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "psycopg": psycopg.__version__,
        "gunicorn": gunicorn_package.__version__,
        "wrk": wrk.split(" Copyright")[0].strip() if wrk else "unknown",
    }


def command_line(options, argv: list[str] | None) -> str:
    prefix = ""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        prefix = f"DATABASE_URL={shown_url(os.environ['DATABASE_URL'])} "
    arguments = sys.argv[1:] if argv is None else argv
    via = "make bench" if os.environ.get("MAKELEVEL") else "python -m clinic.benchmark"
    if via == "make bench" and arguments:
        via += f" BENCH_ARGS={shlex.quote(shlex.join(arguments))}"
    elif arguments:
        via += " " + shlex.join(arguments)
    return prefix + via


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    began = time.perf_counter()
    print(f"{message}…", flush=True)
    yield
    print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench does it).", file=sys.stderr)
        return 2
    url = database_url()
    ensure_database(url)
    env = server_environment(url, options)
    # This process is a client like any other: no pool of its own, so during the load
    # every connection PostgreSQL counts belongs to gunicorn.
    os.environ.update(env, DATABASE_POOL="0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from clinic.benchmark import report, targets
    from clinic.benchmark.scale import Scale, scale_load
    from clinic.benchmark.timing import compare
    from clinic.models import Clinic
    from patients.models import Completion, Session

    started = datetime.datetime.now(datetime.UTC)
    info = machine(options)
    with step(f"Migrating {shown_url(url)}"):
        call_command("migrate", "--no-input", verbosity=0)
    scale = Scale(patients=options.patients, days=options.days)
    with step(f"Loading {scale.clinic_name}"):
        began = time.perf_counter()
        clinic, created = scale_load(scale=scale)
        loaded = f"loaded in {time.perf_counter() - began:.1f} s" if created else "reused"
    with step("Collecting static files"):
        call_command("collectstatic", "--no-input", verbosity=0)
    with step(f"Signing in {options.clients} patients and the staff"):
        clients = prepare_clients(clinic, options.clients)
    comparisons = []
    with step("Timing the comparisons"):
        for comparison in targets.COMPARISONS:
            comparisons.append(compare(comparison, clinic, runs=options.runs))
    sessions = Session.objects.filter(patient__clinic=clinic).count()
    completions = Completion.objects.filter(patient__clinic=clinic).count()
    clinic_count = Clinic.objects.count()
    connections.close_all()

    port = free_port()
    result_rounds = [[] for _ in targets.TARGETS]
    baseline_rounds = [[] for _ in range(len(targets.TARGETS) + 1)]
    with (
        tempfile.TemporaryDirectory(prefix="limber-bench-") as tmp,
        step(f"Serving on 127.0.0.1:{port} and driving the targets"),
        gunicorn(env, port, options, Path(tmp) / "gunicorn.log") as process,
    ):
        server = Server(port=port, pid=process.pid, db_url=url, workdir=Path(tmp))
        # Baseline, target, baseline, target, …, baseline: each target is held against the
        # baseline measured right around it, which the noise of a shared machine skews least.
        for round_number in range(options.rounds):
            first = round_number == 0
            for number, target in enumerate(targets.TARGETS):
                baseline_rounds[number].append(
                    drive(targets.BASELINE, clients, server, options, warm=first and number == 0)
                )
                result_rounds[number].append(drive(target, clients, server, options, warm=first))
            baseline_rounds[-1].append(
                drive(
                    targets.BASELINE, clients, server, options, warm=first and not targets.TARGETS
                )
            )
        server_log = (server.workdir / "gunicorn.log").read_text()
    baselines = [report.merge(runs) for runs in baseline_rounds]
    results = [report.merge(runs) for runs in result_rounds]
    if any(r.errors for runs in baseline_rounds + result_rounds for r in runs) and server_log:
        print(f"Errors under load; gunicorn's log ends with:\n{server_log[-4000:]}")

    worker = "sync" if options.threads == 1 else "gthread"
    run = report.BenchRun(
        generated_at=f"{started:%Y-%m-%d %H:%M} UTC",
        command=command_line(options, argv)
        + "\n# which ran: python -m clinic.benchmark "
        + shlex.join(
            [
                f"--patients={options.patients}",
                f"--days={options.days}",
                f"--duration={options.duration}",
                f"--rounds={options.rounds}",
                f"--warmup={options.warmup}",
                f"--connections={options.connections}",
                f"--wrk-threads={options.wrk_threads}",
                f"--workers={options.workers}",
                f"--threads={options.threads}",
                f"--pool-max={options.pool_max}",
                f"--clients={options.clients}",
                f"--runs={options.runs}",
            ]
        ),
        machine={
            **info,
            "load average at the end": ", ".join(f"{v:.2f}" for v in os.getloadavg()),
        },
        setup=[
            f"Data: {scale.clinic_name}, {loaded}: {options.patients:,} patients, "
            f"{sessions:,} sessions, {completions:,} completions (clinics in the database: "
            f"{clinic_count}).",
            f"Server: gunicorn, {options.workers} {worker} worker processes × "
            f"{options.threads} thread(s), production settings (DEBUG off, collected and "
            "compressed static files, WhiteNoise), psycopg pool of at most "
            f"{options.pool_max} connections per worker process, PostgreSQL on 127.0.0.1.",
            f"Load: wrk with {options.connections} connections on {options.wrk_threads} "
            f"thread(s) over loopback, {options.warmup} s of warm-up then {options.duration} s "
            f"measured per target. Requests go round {len(clients['patient'])} signed-in "
            "patients (each with an open session today); staff targets use the clinic's "
            "physiotherapist or admin.",
            "Order: the baseline before each target and once more at the end, "
            f"{options.rounds} time(s) over (rounds add up); each target's ratio is to the "
            "baseline runs just before and after it. An error is "
            "any answer other than the target's expected status (a redirect to the sign-in "
            "page counts) and any socket error.",
        ],
        baseline_runs=baselines,
        results=results,
        comparisons=comparisons,
        goals=targets.GOALS,
        pool_bound=options.workers * options.pool_max,
        notes=NOTES.read_text() if NOTES.exists() else "",
        problems=[
            f"{c.name}: the fast and the naive computation disagree."
            for c in comparisons
            if not c.same_answer
        ]
        + [f"{r.name} was not run: {r.failure}" for r in baselines + results if r.failure],
    )
    text = report.render(run)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    print(f"\nWrote {options.output}.\n")
    print(text)
    return 0
