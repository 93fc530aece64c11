"""gunicorn settings for `make serve`, read from the environment.

Each app server is stateless (sessions, lockouts and the audit trail live in PostgreSQL;
static files are served by WhiteNoise from the collected, hashed files), so any number of
them can run behind one load balancer. See docs/deploy.md.
"""

import multiprocessing
import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts the project on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from clinic.proxies import trusted_proxy_ips  # noqa: E402

_host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104 - behind a proxy, in a container
bind = os.environ.get("GUNICORN_BIND", f"{_host}:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Header limits: a request line or header larger than these is refused before Django.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Trust X-Forwarded-* only from the proxies in front: TRUSTED_PROXY_IPS, the same setting
# Django reads (clinic/proxies.py), so the two always agree; none by default.
forwarded_allow_ips = ",".join(trusted_proxy_ips())
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Request ids tie the access log to the audit trail.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}o)s'
wsgi_app = "clinic.wsgi:application"
