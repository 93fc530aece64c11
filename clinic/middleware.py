"""Request-wide security: trusted proxies, request ids and request size limits (how long a
sign-in lasts is clinic.accounts.middleware)."""

import ipaddress
import re
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from clinic.proxies import is_trusted_proxy

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


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
