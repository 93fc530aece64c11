"""The API's request parser, in a module of its own: DRF reads DEFAULT_PARSER_CLASSES while
it defines APIView, so this must not import rest_framework.views (clinic.api.errors does)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, and a body nested too deep for Python's parser (a RecursionError,
    which DRF does not catch) is a 400 like any other malformed JSON, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
