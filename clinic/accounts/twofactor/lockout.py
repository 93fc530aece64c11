"""The sign-in lockout, extended to the second step.

A wrong code is a failed sign-in for django-axes (the username + address pair), so the
lockout page and count are the same as for passwords. django-axes forgets failures when
a password succeeds (AXES_RESET_ON_SUCCESS), which would let someone holding the password
guess codes forever by signing in again between guesses; a second count of wrong codes,
in the cache and forgotten only after a right code or the cool-off, closes that.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest

from clinic.middleware import client_ip


def _key(request: HttpRequest, username: str) -> str:
    return f"limber:two-factor-failures:{username.lower()}:{client_ip(request)}"


def code_failures(request: HttpRequest, username: str) -> int:
    return cache.get(_key(request, username), 0)


def code_step_locked(request: HttpRequest, user: AbstractBaseUser) -> bool:
    username = user.get_username()
    if code_failures(request, username) >= settings.AXES_FAILURE_LIMIT:
        return True
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def code_failed(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Count a wrong code for this username and address, in both counts."""
    key = _key(request, user.get_username())
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(key, 1, timeout=timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=timeout)
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def code_succeeded(request: HttpRequest, user: AbstractBaseUser) -> None:
    cache.delete(_key(request, user.get_username()))
    axes_reset(ip=client_ip(request), username=user.get_username())
