"""The language a signed-in person reads Limber in: GET and PATCH /api/v1/me/language/."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .resolve import account_record, person_language
from .services import person_language_set


class MyLanguageSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=[("", "not chosen"), *settings.LANGUAGES],
        allow_blank=True,
        help_text="The language you chose; \"\" for none (your browser's, else your clinic's).",
    )
    in_use = serializers.CharField(
        read_only=True,
        help_text="The language of Limber's emails and reminders to you: your choice, "
        "else your clinic's.",
    )


class MyLanguageView(APIView):
    """Your own language (a staff member's or a patient's). Anyone signed in reads and
    changes their own, and only their own; there is no id to ask for someone else's."""

    serializer_class = MyLanguageSerializer

    def _record(self, request: Request):
        record = account_record(request.user)
        if record is None:  # the operator: no membership or record keeps a language
            raise exceptions.NotFound
        return record

    def _answer(self, record) -> Response:
        return Response({"language": record.language, "in_use": person_language(record)})

    @extend_schema(responses=MyLanguageSerializer)
    def get(self, request: Request) -> Response:
        return self._answer(self._record(request))

    @extend_schema(request=MyLanguageSerializer, responses=MyLanguageSerializer)
    def patch(self, request: Request) -> Response:
        record = self._record(request)
        payload = MyLanguageSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        if "language" in payload.validated_data:
            person_language_set(user=request.user, language=payload.validated_data["language"])
        return self._answer(record)
