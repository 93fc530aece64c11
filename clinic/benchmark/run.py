"""`python -m clinic.benchmark` (what `make bench` runs).

1. PostgreSQL: DATABASE_URL if it points at PostgreSQL, else postgres@127.0.0.1/limber_bench
   (the one-clinic database), and beside it the same name with `_multi` (the many-clinic
   database); each is created when missing, then migrated.
2. The scale clinic (seed_scale) in the first; in the second, `--clinics` clinics of the
   same size (the first of them the one measured) and one of `--large-patients`. All are
   reused when already there. collectstatic.
3. The naive-versus-fast comparisons, timed here with no load running.
4. For each database, gunicorn started with clinic/gunicorn.conf.py (production's own
   settings file, so production runs what was measured) on a free loopback port, then wrk:
   the baseline before each target of `targets.TARGETS` and once more at the end, then the
   mixed load (`targets.MIXED`, two wrk at once). Meanwhile PostgreSQL's connections are
   sampled and the CPU time of gunicorn's and PostgreSQL's process trees is read from /proc
   (clinic/benchmark/cpu.py).
5. docs/benchmarks.md, through `report.render`.

Django is set up only after the environment is in place, so this module imports nothing of
the project at the top.
"""

import argparse
import concurrent.futures
import contextlib
import datetime
import http.client
import json
import os
import platform
import runpy
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

# Reads /proc only: nothing of Django, which is set up later.
from clinic.benchmark import cpu

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
NOTES = Path(__file__).resolve().parent / "notes.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/limber_bench"
# Not a secret: it signs the benchmark's own sessions on a loopback-only server.
BENCH_SECRET_KEY = "benchmark-only-key-for-a-loopback-server-never-used-in-production"
RESULT_MARK = "BENCH_RESULT "
GUNICORN_CONF = BASE_DIR / "clinic" / "gunicorn.conf.py"
CONNECTIONS_SQL = """
    SELECT pid, coalesce(state = 'active', false)
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid()
"""
# `--quick`: small sizes and short runs, to check that the bench works end to end (about
# two minutes on the first run, less once the small databases exist), not to measure.
QUICK = {
    "patients": 40,
    "days": 14,
    "clinics": 3,
    "large_patients": 120,
    "duration": 2,
    "warmup": 1,
    "clients": 10,
    "runs": 1,
}


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master
    db_url: str
    workdir: Path
    postmaster: int | None  # PostgreSQL's, when it runs on this machine


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time a process has used so far (None once it is gone)."""
    stat = cpu.read_stat(pid)
    return None if stat is None else stat.own_ticks / cpu.CLOCK_TICKS


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """Seconds used by the processes seen at both readings."""
    return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())


def production_defaults() -> dict:
    """workers, threads and accesslog as clinic/gunicorn.conf.py sets them (from the
    environment, else the defaults the benchmark measured best): the one place both read."""
    conf = runpy.run_path(str(GUNICORN_CONF))
    return {key: conf[key] for key in ("workers", "threads", "accesslog")}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    production = production_defaults()
    parser = argparse.ArgumentParser(
        prog="python -m clinic.benchmark",
        description="Measure Limber under load against a baseline; write docs/benchmarks.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--quick",
        action="store_true",
        help="check the bench end to end at small sizes and short runs: "
        + ", ".join(f"--{k.replace('_', '-')}={v}" for k, v in QUICK.items())
        + " (any of them given too wins); writes to a scratch file unless --output is given",
    )
    add("--patients", type=int, default=1000, help="patients in the scale clinic")
    add("--days", type=int, default=90, help="days of history")
    add(
        "--clinics",
        type=int,
        default=20,
        help="clinics of --patients each in the many-clinic database (1 with --large-patients 0:"
        " no such database)",
    )
    add(
        "--large-patients",
        type=int,
        default=None,
        help="patients of the large clinic in the many-clinic database (default 3 × --patients;"
        " 0: none)",
    )
    add("--duration", type=int, default=12, help="seconds of load per target")
    add("--warmup", type=int, default=3, help="seconds of load per target before measuring")
    add("--rounds", type=int, default=1, help="times to go through all the targets")
    add("--connections", type=int, default=10, help="wrk's open connections")
    add("--wrk-threads", type=int, default=1, help="wrk's threads")
    # Production's own defaults (clinic/gunicorn.conf.py: WEB_CONCURRENCY, GUNICORN_THREADS):
    # one process per core with four threads each beat gunicorn's usual 2 × cores + 1 sync
    # workers here on requests/s and CPU per request (clinic/benchmark/notes.md).
    add("--workers", type=int, default=production["workers"], help="gunicorn workers")
    add(
        "--threads",
        type=int,
        default=production["threads"],
        help="threads per gunicorn worker (gthread if > 1)",
    )
    add(
        "--pool-max",
        type=int,
        default=int(os.environ.get("DATABASE_POOL_MAX", 10)),
        help="DATABASE_POOL_MAX: the psycopg pool's size per worker process",
    )
    add("--clients", type=int, default=50, help="signed-in patients the requests go round")
    add("--runs", type=int, default=5, help="timed runs of each comparison")
    add("--output", type=Path, default=None, help="the report (default docs/benchmarks.md)")
    add("--skip-comparisons", action="store_true", help="do not time the comparisons")
    options = parser.parse_args(argv)
    if options.quick:
        given = parser.parse_args([], namespace=None)
        for key, value in QUICK.items():
            # A size given on the command line wins over the quick one.
            if getattr(options, key) == getattr(given, key):
                setattr(options, key, value)
        if options.output is None:
            options.output = Path(tempfile.gettempdir()) / "limber-bench-quick.md"
    if options.output is None:
        options.output = BASE_DIR / "docs" / "benchmarks.md"
    if options.large_patients is None:
        options.large_patients = 3 * options.patients
    options.accesslog = production["accesslog"]
    return options


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


def server_environment(
    url: str, options: argparse.Namespace, database: str = "one"
) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, collected static files, the pool on,
    gunicorn's workers and threads as asked (production's defaults unless told otherwise).
    With REDIS_URL set, each database's run gets its own cache keys."""
    env = dict(os.environ)
    env.update(
        WEB_CONCURRENCY=str(options.workers),
        GUNICORN_THREADS=str(options.threads),
        CACHE_KEY_PREFIX=f"limber-bench-{database}",
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
    headers = {"Cookie": cookie} if cookie else {}
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
    """gunicorn as `make serve` starts it: production's settings file, with workers and
    threads from the environment (server_environment), only the address changed."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--config={GUNICORN_CONF}",
        f"--bind=127.0.0.1:{port}",
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
    the CPU time their server processes use (where PostgreSQL runs on this machine): the
    part of PostgreSQL's CPU that its client backends account for, beside the whole tree."""

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
                self.most_active = max(self.most_active, sum(1 for _, active in rows if active))
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


def drive(target, clients, server: Server, options, *, warm: bool, database: str = "one"):
    """Check one request answers as expected, warm up (the first time), then measure."""
    return drive_together([target], clients, server, options, warm=warm, database=database)[0]


def drive_together(
    targets, clients, server: Server, options, *, warm: bool, database: str, mix: str = ""
):
    """Drive several targets at the same time, each with its own wrk (one target is the
    usual case): check one request of each, warm up (when `warm`), then measure. The CPU
    read around the run is shared out per request over all of them."""
    from clinic.benchmark.report import LoadResult

    made_sessions: list[int] = []

    def prepared_lines(target, seconds: int) -> list[list[str]]:
        if target.fresh_units:
            # Every run gets parts never recorded before, so each request is a real insert.
            units = unrecorded_units(
                clients[target.role], FRESH_PER_SECOND * seconds, made_sessions
            )
            return request_lines(target, units)
        return request_lines(target, clients[target.role])

    def write(number: int, lines: list[list[str]]) -> Path:
        data = server.workdir / f"requests-{number}.tsv"
        data.write_text("".join("\t".join(line) + "\n" for line in lines))
        return data

    def wrk_all(files: list[Path], seconds: int) -> list[dict]:
        with concurrent.futures.ThreadPoolExecutor(len(targets)) as pool:
            runs = [
                pool.submit(run_wrk, url, data, target, seconds, options)
                for target, data in zip(targets, files, strict=True)
            ]
            return [run.result() for run in runs]

    url = f"http://127.0.0.1:{server.port}"
    results = [
        LoadResult(
            name=target.name,
            method=target.method,
            path=target.path,
            connections=target.connections,
            database=database,
            mix=mix,
        )
        for target in targets
    ]
    warming = warm and options.warmup
    files = []
    for number, (target, result) in enumerate(zip(targets, results, strict=True)):
        lines = prepared_lines(target, options.warmup if warming else options.duration)
        status, location = request_once(server.port, lines[0])
        if status != target.expect:
            failure = f"expected {target.expect}, got {status}" + (
                f" to {location}" if location else ""
            )
            print(f"  {target.name}: not run, {failure}")
            forget_sessions(made_sessions)
            for each in results:
                each.failure = failure if each is result else f"not run: {target.name} failed"
            return results
        if target.fresh_units:
            lines = lines[1:]  # the check above recorded the first one
        files.append(write(number, lines))
    if warming:
        wrk_all(files, options.warmup)
        for number, target in enumerate(targets):
            if target.fresh_units:
                files[number] = write(number, prepared_lines(target, options.duration))
    processes = cpu.snapshot()
    app_before = cpu.tree_seconds(server.pid, processes)
    db_before = cpu.tree_seconds(server.postmaster, processes) if server.postmaster else None
    with ConnectionSampler(server.db_url) as sampler:
        numbers = wrk_all(files, options.duration)
    processes = cpu.snapshot()
    app_cpu = cpu.used(app_before, cpu.tree_seconds(server.pid, processes)) or 0.0
    db_cpu = (
        cpu.used(db_before, cpu.tree_seconds(server.postmaster, processes))
        if server.postmaster
        else None
    )
    forget_sessions(made_sessions)
    requests = sum(each["requests"] for each in numbers)
    for result, each in zip(results, numbers, strict=True):
        result.requests = each["requests"]
        result.seconds = each["duration_us"] / 1e6
        result.p50_ms = each["p50_us"] / 1000
        result.p95_ms = each["p95_us"] / 1000
        result.p99_ms = each["p99_us"] / 1000
        result.unexpected = each["unexpected"]
        result.socket_errors = sum(each[k] for k in ("connect", "read", "write", "timeout"))
        result.max_connections = sampler.most
        result.max_active = sampler.most_active
        if requests:
            result.app_cpu_ms = app_cpu * 1000 / requests
            if db_cpu is not None:
                result.db_cpu_ms = db_cpu * 1000 / requests
            if sampler.cpu is not None and db_cpu is not None:
                result.db_client_cpu_ms = sampler.cpu * 1000 / requests
        print(
            f"  {result.name}: {result.requests_per_second:,.0f} req/s, "
            f"p95 {result.p95_ms:.1f} ms, {result.errors} errors, "
            f"up to {sampler.most} connections, CPU {result.app_cpu_ms:.1f} + "
            f"{result.db_cpu_ms or 0:.1f} ms per request{' (the mix)' if mix else ''}"
        )
    return results


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


def signed_in(user, *, second_step: bool = False) -> dict[str, str]:
    """A session and CSRF cookie for `user`, made as Django's login would make them; with
    `second_step`, also verified with an authenticator (the admin asks for it), as
    clinic.accounts.twofactor's verify page leaves it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest
    from django.middleware.csrf import CSRF_SESSION_KEY, get_token

    # The server's own session engine, so the server finds the session where it looks.
    engine = import_module(settings.SESSION_ENGINE)
    request = HttpRequest()
    request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="wrk (make bench)")
    request.session = engine.SessionStore()
    login(request, user, backend="clinic.accounts.signin.RoleBackend")
    if second_step:
        from django_otp import login as otp_login
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="make bench", defaults={"confirmed": True}
        )
        request.user = user  # django_otp checks the device is the signed-in user's
        otp_login(request, device)
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    if settings.CSRF_USE_SESSIONS:
        request.session[CSRF_SESSION_KEY] = secret
    request.session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"
    if not settings.CSRF_USE_SESSIONS:
        cookie += f"; {settings.CSRF_COOKIE_NAME}={secret}"
    return {"cookie": cookie, "csrf": token}


def prepare_clients(clinic, count: int, large_clinic=None) -> dict[str, list[dict]]:
    """Signed-in patients with an open session today each, and the clinic's physiotherapist
    and admin, who go round the same patients' fields; the large clinic's physiotherapist
    when there is one; and "anonymous", with no cookie at all."""
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
        staff = signed_in(member.user, second_step=role == "admin")
        clients[role] = [{**staff, "fields": c["fields"]} for c in clients["patient"]]
    if large_clinic is not None:
        member = StaffMember.objects.filter(clinic=large_clinic, role="physio").first()
        clients["large_physio"] = [{**signed_in(member.user), "fields": {}}]
    clients["anonymous"] = [
        {"cookie": "", "csrf": "", "fields": c["fields"]} for c in clients["patient"]
    ]
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


def databases(url: str, options) -> list[tuple[str, str]]:
    """The one-clinic database (`url`) and, unless `--clinics 1` with no large clinic, the
    many-clinic one beside it: the same name with `_multi`."""
    plan = [("one", url)]
    if options.clinics > 1 or options.large_patients:
        parts = urlsplit(url)
        multi = parts._replace(path=parts.path.rstrip("/") + "_multi")
        plan.append(("multi", urlunsplit(multi)))
    return plan


def use_database(url: str) -> None:
    """Point this process's Django connection at another database of the same server."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = urlsplit(url).path.lstrip("/")


def find_postmaster(url: str) -> int | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        (backend,) = conn.execute("SELECT pg_backend_pid()").fetchone()
        return cpu.postmaster_of(backend)


def load_clinics(key: str, options) -> tuple:
    """The database's clinics, loaded unless already there: the scale clinic (the first
    of `--clinics` in the many-clinic database) and the large clinic there. Statistics
    are refreshed once, after the last."""
    from clinic.benchmark.scale import Scale, scale_analyze, scale_load

    count = options.clinics if key == "multi" else 1
    scales = [
        Scale(patients=options.patients, days=options.days, number=n) for n in range(1, count + 1)
    ]
    large = None
    if key == "multi" and options.large_patients:
        large = Scale(patients=options.large_patients, days=options.days)
        scales.append(large)
    clinics, created = [], 0
    began = time.perf_counter()
    for scale in scales:
        with step(f"Loading {scale.clinic_name}"):
            clinic, made = scale_load(scale=scale, analyze=False)
            clinics.append(clinic)
            created += made
    if created:
        with step("Analyzing"):
            scale_analyze()
    seconds = time.perf_counter() - began
    loaded = (
        f"{created} of {len(scales)} clinics loaded in {seconds:.0f} s" if created else "reused"
    )
    return clinics[0], clinics[-1] if large else None, loaded


def describe_data(key: str, clinic, large, loaded: str, options) -> tuple[str, str]:
    """The database's title in the report, and its line in the setup."""
    from clinic.models import Clinic
    from patients.models import Completion, Patient, Session

    clinics = Clinic.objects.count()
    patients = Patient.objects.count()
    sessions = Session.objects.count()
    completions = Completion.objects.count()
    if key == "one":
        title = f"one clinic ({options.patients:,} patients)"
    else:
        title = f"{options.clinics} clinics × {options.patients:,} patients"
        if large is not None:
            title += f" and one of {options.large_patients:,}"
    line = (
        f"Data, {title}: {clinic.name} measured, {loaded}; the database holds {clinics} "
        f"clinic(s), {patients:,} patients, {sessions:,} sessions, {completions:,} completions."
    )
    if large is not None:
        line += f" The large clinic is {large.name}."
    return title, line


def measure(key: str, url: str, clients, options) -> tuple[list, list, list, str]:
    """gunicorn on this database, and every target of it: the baseline before each and
    once more at the end, then the mixed load; `--rounds` times over, merged."""
    from clinic.benchmark import report, targets

    env = server_environment(url, options, key)
    chosen = [t for t in targets.TARGETS if key in t.databases and t.role in clients]
    port = free_port()
    result_rounds = [[] for _ in chosen]
    baseline_rounds = [[] for _ in range(len(chosen) + 1)]
    mixed_rounds = [[] for _ in targets.MIXED.targets]
    with (
        tempfile.TemporaryDirectory(prefix="limber-bench-") as tmp,
        step(f"Serving {shown_url(url)} on 127.0.0.1:{port} and driving the targets"),
        gunicorn(env, port, options, Path(tmp) / "gunicorn.log") as process,
    ):
        server = Server(
            port=port,
            pid=process.pid,
            db_url=url,
            workdir=Path(tmp),
            postmaster=find_postmaster(url),
        )
        # Baseline, target, baseline, target, …, baseline: each target is held against the
        # baseline measured right around it, which the noise of a shared machine skews least.
        for round_number in range(options.rounds):
            first = round_number == 0
            for number, target in enumerate(chosen):
                baseline_rounds[number].append(
                    drive(
                        targets.BASELINE,
                        clients,
                        server,
                        options,
                        warm=first and number == 0,
                        database=key,
                    )
                )
                result_rounds[number].append(
                    drive(target, clients, server, options, warm=first, database=key)
                )
            baseline_rounds[-1].append(
                drive(
                    targets.BASELINE,
                    clients,
                    server,
                    options,
                    warm=first and not chosen,
                    database=key,
                )
            )
            mixed = drive_together(
                targets.MIXED.targets,
                clients,
                server,
                options,
                warm=first,
                database=key,
                mix=targets.MIXED.name,
            )
            for runs, result in zip(mixed_rounds, mixed, strict=True):
                runs.append(result)
        server_log = (server.workdir / "gunicorn.log").read_text()
    every = [run for runs in baseline_rounds + result_rounds + mixed_rounds for run in runs]
    if any(run.errors for run in every) and server_log:
        print(f"Errors under load; gunicorn's log ends with:\n{server_log[-4000:]}")
    return (
        [report.merge(runs) for runs in baseline_rounds],
        [report.merge(runs) for runs in result_rounds],
        [report.merge(runs) for runs in mixed_rounds],
        server_log,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench does it).", file=sys.stderr)
        return 2
    url = database_url()
    plan = databases(url, options)
    for _, each in plan:
        ensure_database(each)
    # This process is a client like any other: no pool of its own, so during the load
    # every connection PostgreSQL counts belongs to gunicorn.
    os.environ.update(server_environment(url, options), DATABASE_POOL="0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from clinic.benchmark import report, targets
    from clinic.benchmark.timing import compare

    began = time.perf_counter()
    started = datetime.datetime.now(datetime.UTC)
    info = machine(options)
    comparisons = []
    baselines, results, mixed = [], [], []
    titles: dict[str, str] = {}
    data_lines: list[str] = []
    for key, each in plan:
        use_database(each)
        with step(f"Migrating {shown_url(each)}"):
            call_command("migrate", "--no-input", verbosity=0)
        clinic, large, loaded = load_clinics(key, options)
        if key == "one":
            with step("Collecting static files"):
                call_command("collectstatic", "--no-input", verbosity=0)
        with step(f"Signing in {options.clients} patients and the staff"):
            clients = prepare_clients(clinic, options.clients, large)
        if key == "one" and not options.skip_comparisons:
            with step("Timing the comparisons"):
                for comparison in targets.COMPARISONS:
                    comparisons.append(compare(comparison, clinic, runs=options.runs))
        titles[key], line = describe_data(key, clinic, large, loaded, options)
        data_lines.append(line)
        connections.close_all()
        measured = measure(key, each, clients, options)
        baselines += measured[0]
        results += measured[1]
        mixed += measured[2]

    worker = "sync" if options.threads == 1 else "gthread"
    accesslog = f"access log to {options.accesslog}" if options.accesslog else "no access log"
    minutes = (time.perf_counter() - began) / 60
    run = report.BenchRun(
        generated_at=f"{started:%Y-%m-%d %H:%M} UTC",
        command=command_line(options, argv)
        + "\n# which ran: python -m clinic.benchmark "
        + shlex.join(
            [
                f"--patients={options.patients}",
                f"--days={options.days}",
                f"--clinics={options.clinics}",
                f"--large-patients={options.large_patients}",
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
        )
        + f"\n# in {minutes:.0f} minutes",
        machine={
            **info,
            "load average at the end": ", ".join(f"{v:.2f}" for v in os.getloadavg()),
        },
        setup=[
            *data_lines,
            f"Server: gunicorn started with clinic/gunicorn.conf.py, production's own file: "
            f"{options.workers} {worker} worker processes × {options.threads} thread(s), "
            f"{accesslog}, workers recycled after about 2,000 requests; production settings "
            "(DEBUG off, collected and compressed static files, WhiteNoise), psycopg pool of "
            f"at most {options.pool_max} connections per worker process, PostgreSQL on "
            "127.0.0.1. One server per database, one after the other.",
            f"Load: wrk with {options.connections} connections on {options.wrk_threads} "
            f"thread(s) over loopback, {options.warmup} s of warm-up then {options.duration} s "
            f"measured per target. Requests go round {len(clients['patient'])} signed-in "
            "patients (each with an open session today); staff targets use the clinic's "
            "physiotherapist or admin; the hello view is sent no cookie.",
            "Order, in each database: the baseline before each target and once more at the "
            f"end, then the mixed load; {options.rounds} time(s) over (rounds add up). Each "
            "target's ratio to the baseline is to the baseline runs just before and after it. "
            "An error is any answer other than the target's expected status (a redirect to "
            "the sign-in page counts) and any socket error.",
        ],
        baseline_runs=baselines,
        results=results,
        mixed=mixed,
        databases=titles,
        comparisons=comparisons,
        goals=targets.GOALS,
        pool_bound=options.workers * options.pool_max,
        notes=NOTES.read_text() if NOTES.exists() else "",
        problems=[
            f"{c.name}: the fast and the naive computation disagree."
            for c in comparisons
            if not c.same_answer
        ]
        + [
            f"{r.name} ({titles.get(r.database, r.database)}) was not run: {r.failure}"
            for r in baselines + results + mixed
            if r.failure
        ],
    )
    text = report.render(run)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text)
    print(f"\nWrote {options.output} in {minutes:.1f} minutes.\n")
    print(text)
    return 0
