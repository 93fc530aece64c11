"""Failed guesses of secrets (API keys, invitation and welcome links), counted per address.

Sign-in failures have django-axes; these secrets are long and random, so a guess is
hopeless, but a client that keeps guessing is still refused: after THROTTLE_FAILURE_LIMIT
failures from one address within THROTTLE_WINDOW_SECONDS, that address gets 429 with
Retry-After for that kind of secret until the window ends. Successes are never counted.

The counts live in Django's cache, which must be shared by every app server (REDIS_URL,
docs/deploy.md); otherwise each server would allow the limit on its own.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.middleware import client_ip

API_KEY = "api_key"
INVITATION = "invitation"
WELCOME = "welcome"


def _window() -> tuple[int, int]:
    """The current window's number and the seconds left in it (at least one)."""
    length = settings.THROTTLE_WINDOW_SECONDS
    now = time.time()
    return int(now // length), max(1, int(length - now % length))


def _key(scope: str, request: HttpRequest, window: int) -> str:
    return f"throttle:{scope}:{client_ip(request) or 'unknown'}:{window}"


def throttle_retry_after(*, scope: str, request: HttpRequest) -> int | None:
    """Seconds until this address may try `scope` again, or None if it may now."""
    window, left = _window()
    failures = cache.get(_key(scope, request, window), 0)
    return left if failures >= settings.THROTTLE_FAILURE_LIMIT else None


def throttle_failure(*, scope: str, request: HttpRequest) -> None:
    """Count one failed guess from this address (atomic in Redis, shared by all servers)."""
    window, left = _window()
    key = _key(scope, request, window)
    # add() only sets a missing key; incr() is atomic, so concurrent failures all count.
    cache.add(key, 0, timeout=left + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr(): this failure opens a new count
        cache.add(key, 1, timeout=left + 1)


def too_many_guesses(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The page's answer while an address is refused: 429, when to retry, in words."""
    minutes = max(1, -(-retry_after // 60))
    response = render(request, "throttled.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
