"""gunicorn settings for `make serve`, read from the environment.

Each app server is stateless (sessions, lockouts and the audit trail live in PostgreSQL;
static files are served by WhiteNoise from the collected, hashed files), so any number of
them can run behind one load balancer. See docs/deploy.md.

The defaults are what `make bench` measured best on its machine, and the benchmark starts
gunicorn with this very file (reading `workers`, `threads` and `accesslog` from it), so
production runs what was measured: see docs/benchmarks.md and clinic/benchmark/notes.md.
"""

import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts the project on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from clinic.proxies import trusted_proxy_ips  # noqa: E402

# Access logging is on unless GUNICORN_ACCESSLOG is one of these.
ACCESSLOG_OFF = {"", "0", "off", "none", "false", "no"}


def default_workers() -> int:
    """One worker process per core: with four threads each, it served more requests per
    second at less CPU per request than gunicorn's usual 2 × cores + 1 (the notes)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104 - behind a proxy, in a container
bind = os.environ.get("GUNICORN_BIND", f"{_host}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# Threads share a worker's interpreter; while one waits on PostgreSQL another runs.
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Load Django once in the master and fork the workers from it: a recycled worker starts
# without importing everything again (seconds of CPU each time, counted against whatever
# the bench was measuring then), and the workers share the loaded code's memory. Nothing
# connects to PostgreSQL or Redis while loading; each worker opens its own connections.
preload_app = True
# Header limits: a request line or header larger than these is refused before Django.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Trust X-Forwarded-* only from the proxies in front: TRUSTED_PROXY_IPS, the same setting
# Django reads (clinic/proxies.py), so the two always agree; none by default.
forwarded_allow_ips = ",".join(trusted_proxy_ips())
# "-" is standard output; a path writes a file; "off" turns the access log off (the proxy
# in front may keep its own). The benchmark measures with it on, as production runs.
_accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-").strip()
accesslog = None if _accesslog.lower() in ACCESSLOG_OFF else _accesslog
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Request ids tie the access log to the audit trail.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}o)s'
wsgi_app = "clinic.wsgi:application"
