"""The language switcher in every page's header, and the JavaScript catalog."""

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import JavaScriptCatalog

from .forms import LanguageForm
from .resolve import LANGUAGE_CODES, account_record
from .services import person_language_set

JS_CATALOG_SECONDS = 60 * 60 * 24 * 365


def _safe_next(request: HttpRequest, candidate: str) -> str:
    """Back to the page the switcher was on; anything off this site goes to the start page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Read Limber in another language: kept on the account when signed in, and in Django's
    language cookie for this browser (the sign-in and password pages, before anyone signs in)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")))
    language = form.cleaned_data["language"]
    if account_record(request.user) is not None:
        person_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@functools.cache
def catalog_version(language: str) -> str:
    """Changes when the language's JavaScript catalog does: part of the catalog's URL, so the
    year-long cache of a catalog ends with the release that changes it."""
    digest = hashlib.sha256(language.encode())
    for directory in settings.LOCALE_PATHS:
        po = directory / translation.to_locale(language) / "LC_MESSAGES" / "djangojs.po"
        if po.exists():
            digest.update(po.read_bytes())
    return digest.hexdigest()[:12]


_catalog = JavaScriptCatalog.as_view(packages=["clinic"])


@require_safe
@cache_page(JS_CATALOG_SECONDS)
def javascript_catalog(request: HttpRequest, language: str) -> HttpResponse:
    """Django's JavaScript catalog (gettext, ngettext, interpolate for limber/*.js) in the
    language its URL names: a file of its own, so the strict Content-Security-Policy allows
    it, and one URL per language and version, so browsers and the cache may keep it."""
    if language not in LANGUAGE_CODES:
        raise Http404
    with translation.override(language):
        response = _catalog(request)
    response["Content-Language"] = language
    return response
