"""Each request in its reader's language (clinic/languages/resolve.py)."""

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .resolve import request_language


class LanguageMiddleware:
    """After AuthenticationMiddleware: Django's LocaleMiddleware knows only the cookie and the
    browser; this adds the person's own choice and their clinic's language. It reads the
    role the user was loaded with, so it costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        if language != translation.get_language():
            translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
