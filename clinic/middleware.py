"""Request-wide security: request ids, request size limits and how long sign-ins last."""

import ipaddress
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .proxies import is_trusted_proxy
from .signin import IS_STAFF, LAST_SEEN_AT, SIGNED_IN_AT, is_staff_user

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# Sliding the idle expiry writes the session; once a minute is precise enough.
_TOUCH_EVERY_SECONDS = 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or when that is a trusted proxy (TRUSTED_PROXY_IPS),
    the first X-Forwarded-For entry from the right that is not one: entries left of it are
    the client's own claims and are ignored."""
    candidate = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_IPS
    if trusted and is_trusted_proxy(candidate, trusted):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for entry in reversed([item.strip() for item in forwarded if item.strip()]):
            candidate = entry
            if not is_trusted_proxy(entry, trusted):
                break
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Drops X-Forwarded-* headers that did not come from a trusted proxy (TRUSTED_PROXY_IPS).

    gunicorn already ignores them from anyone else; without this Django would still read a
    client's own X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) when it reached a server
    directly. First in MIDDLEWARE, so nothing sees them before.
    """

    FORWARDED = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR"), settings.TRUSTED_PROXY_IPS):
            for header in self.FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)


class RequestIdMiddleware:
    """Tags each request with an id (a proxy's sane X-Request-ID, or a new UUID).

    The id is on `request.request_id`, in the audit trail and in the response header, so
    one request can be followed from the proxy's log to the audit row.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if _SANE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is over REQUEST_MAX_BYTES, uploads included.

    Django bounds form fields itself (DATA_UPLOAD_MAX_MEMORY_SIZE) but not file uploads;
    this bounds the whole body before anything reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return render(
                request,
                "413.html",
                {"limit": settings.REQUEST_MAX_BYTES},
                status=413,
            )
        return self.get_response(request)


class Utf8FormMiddleware:
    """A form body that is not UTF-8 is read with U+FFFD where bytes could not be read.

    Django reads such a body as Latin-1 instead ("Raw\\xff\\xfe" arrives as "Rawÿþ", which
    no validator can tell from real text), so this re-reads it; the text validators
    (clinic.validators) then refuse the field with an error, as the API refuses such JSON.
    Only urlencoded bodies: multipart fields are already decoded this way by Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.content_type == "application/x-www-form-urlencoded":
            self._reread_if_not_utf8(request)
        return self.get_response(request)

    @staticmethod
    def _reread_if_not_utf8(request: HttpRequest) -> None:
        try:
            body = request.body
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        except (RequestDataTooBig, TooManyFieldsSent):
            return  # the view reads it again and answers as Django does
        else:
            return
        try:
            request.POST  # noqa: B018  (Django loads POST and FILES together, once)
        except TooManyFieldsSent:
            return
        request.POST = QueryDict(body.decode("utf-8", errors="replace"), encoding="utf-8")


class SessionPolicyMiddleware:
    """Ends staff sessions after the idle limit and after the absolute limit.

    Runs after AuthenticationMiddleware. Patients' sessions are bounded by their cookie
    expiry (browser session, or "keep me signed in") and need nothing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self._is_staff(request):
            self._enforce_staff_limits(request)
        return self.get_response(request)

    @staticmethod
    def _is_staff(request: HttpRequest) -> bool:
        if IS_STAFF not in request.session:
            request.session[IS_STAFF] = is_staff_user(request.user)
        return request.session[IS_STAFF]

    def _enforce_staff_limits(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
        if signed_in_at is None or last_seen_at is None:
            # A session from before the policy (or a forced login): its clock starts now.
            session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            return
        idle = now - last_seen_at > settings.STAFF_SESSION_IDLE_SECONDS
        too_long = now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS
        if idle or too_long:
            logout(request)
            messages.info(request, _("You were signed out to keep patient data safe."))
            return
        if now - last_seen_at >= _TOUCH_EVERY_SECONDS:
            session[LAST_SEEN_AT] = now
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
