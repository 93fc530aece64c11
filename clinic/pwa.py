"""The installable app: the web app manifest, the service worker and the favicon, served at
the site's root where browsers look for them (docs/patient-session.md, "Installable and
offline").

The service worker is the static file limber/sw.js. It is served here, not from /static/,
because a worker only controls the pages under its own path; and it is prefixed with one
generated line naming the files to keep offline by their real (in production, hashed)
static URLs and a version made from their contents, so any change to them makes the bytes
of /sw.js change, which is what makes browsers install the new worker.
"""

import functools
import hashlib
import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

THEME_COLOUR = "#0b5cad"  # --accent in limber.css
BACKGROUND_COLOUR = "#ffffff"  # --paper
ICONS = [
    ("limber/icons/icon-192.png", "192x192", "any"),
    ("limber/icons/icon-512.png", "512x512", "any"),
    ("limber/icons/maskable-192.png", "192x192", "maskable"),
    ("limber/icons/maskable-512.png", "512x512", "maskable"),
]
# The app shell: what every patient page needs to draw itself with no connection.
SHELL = [
    "limber/limber.css",
    "limber/session.css",
    "limber/illustrations.css",
    "limber/session.js",
    "limber/pwa.js",
    "limber/icons/favicon.ico",
    "limber/icons/favicon.svg",
    "limber/icons/apple-touch-icon.png",
    "limber/icons/icon-192.png",
]
SHELL_FOLDERS = ["limber/exercises/"]  # the built-in stretches' drawings
WORKER = "limber/sw.js"
# The reminders' push handler, when it exists: the worker imports it (docs/patient-session.md).
PUSH_HANDLER = "limber/push-sw.js"


def _read_static(path: str) -> bytes | None:
    found = finders.find(path)
    if not found:
        return None
    with open(found, "rb") as file:
        return file.read()


def _static_files_under(folder: str) -> list[str]:
    paths = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list([]):
            path = path.replace("\\", "/")
            if path.startswith(folder):
                paths.add(path)
    return sorted(paths)


def _worker_script() -> bytes:
    """limber/sw.js with its first line: the shell's URLs, the version, the push handler."""
    shell = [path for path in SHELL if finders.find(path)]
    for folder in SHELL_FOLDERS:
        shell += _static_files_under(folder)
    push = static(PUSH_HANDLER) if finders.find(PUSH_HANDLER) else None
    source = _read_static(WORKER) or b""
    digest = hashlib.sha256(source)
    for path in shell + ([PUSH_HANDLER] if push else []):
        digest.update(path.encode())
        digest.update(_read_static(path) or b"")
    config = {
        "version": digest.hexdigest()[:16],
        "shell": [static(path) for path in shell],
        "push": push,
    }
    return f"self.LIMBER = {json.dumps(config)};\n".encode() + source


# In production the files change only with a release, so the script is built once per process.
_cached_worker_script = functools.cache(_worker_script)


@require_safe
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker for the whole site: never cached without asking, so a release
    reaches patients on their next visit."""
    script = _worker_script() if settings.DEBUG else _cached_worker_script()
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
@cache_control(no_cache=True)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the visitor's language. `/` sends each role to its start page.
    Public: browsers fetch it without cookies."""
    data = {
        "id": "/",
        "name": "Limber",
        "short_name": "Limber",
        "description": _("Your stretching plan from your physiotherapist, step by step."),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers and bookmark tools ask for whatever the page links."""
    path = finders.find("limber/icons/favicon.ico")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


def clears_cache_on_sign_out(view: Callable) -> Callable:
    """Sign-out tells the browser to drop what it cached for this site (Clear-Site-Data).

    The service worker also empties its page cache when it sees the sign-out (limber/sw.js):
    the header alone would not reach the worker's caches in every browser, and the worker
    alone would miss a browser where it never ran.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache"'
        return response

    return wrapper
