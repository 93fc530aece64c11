"""The exercise library for staff in JSON: the built-ins and their clinic's own.

Built-ins are listed for every clinic and read-only (403 on a change); another clinic's
items answer 404. Writes go through input serializers into routines.library.services.
"""

import django_filters
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.access import staff_member
from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from routines.languages import column, content_languages, language_name
from routines.library.selectors import exercises_for_clinic, exercises_search
from routines.library.services import exercise_create, exercise_update
from routines.media.api import ExerciseMediaMixin
from routines.models import (
    HOLD_SECONDS_MAX,
    REPETITIONS_MAX,
    SETS_MAX,
    BodyRegion,
    Exercise,
    ExerciseKind,
    Sides,
)

READ_ONLY = gettext_lazy("Built-in items are read-only: duplicate them to change them.")

ID = r"[0-9]+"


def ensure_own(obj) -> None:
    """Built-ins are listed for every clinic but changed by none (403, not 404: they are
    visible)."""
    if obj.clinic_id is None:
        raise exceptions.PermissionDenied(READ_ONLY)


def staff_clinic(request):
    return staff_member(request.user).clinic


# Each text in every language: name_en, name_fr_ca… ("name" is the reader's language, or the
# other when it has none).
TEXT_LIMITS = {"name": 120, "instructions": 5000, "cues": 5000, "cautions": 5000}
TRANSLATION_COLUMNS = [column(field, code) for field in TEXT_LIMITS for code in content_languages()]


def _language_of(name: str) -> str:
    return next(code for code in content_languages() if name.endswith(column("", code)))


class ExerciseSerializer(serializers.ModelSerializer):
    is_builtin = fields.BooleanField(read_only=True)
    image = serializers.ImageField(
        read_only=True, allow_null=True, help_text="Only for the clinic's staff and patients."
    )
    video = serializers.FileField(read_only=True, allow_null=True, help_text="MP4 or WebM.")
    video_poster = serializers.ImageField(read_only=True, allow_null=True)
    video_url = fields.CharField(read_only=True, help_text="A link, or empty.")

    class Meta:
        model = Exercise
        fields = [
            "id",
            "name",
            "body_region",
            "kind",
            "instructions",
            "cues",
            "cautions",
            *TRANSLATION_COLUMNS,
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "default_sides",
            "image",
            "video",
            "video_poster",
            "video_url",
            "is_builtin",
            "archived_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExerciseInputSerializer(serializers.Serializer):
    """An exercise's texts come plainly ("name": in the clinic's language) or per language
    ("name_en", "name_fr_ca"); the clinic's language needs a name and instructions, the
    other is optional and falls back to it."""

    name = fields.CharField(max_length=120, required=False)
    body_region = fields.ChoiceField(choices=BodyRegion.choices)
    kind = fields.ChoiceField(choices=ExerciseKind.choices, default=ExerciseKind.STRETCH)
    instructions = fields.CharField(max_length=5000, required=False)
    cues = fields.CharField(max_length=5000, allow_blank=True, default="")
    cautions = fields.CharField(max_length=5000, allow_blank=True, default="")
    default_hold_seconds = fields.IntegerField(min_value=1, max_value=HOLD_SECONDS_MAX)
    default_repetitions = fields.IntegerField(min_value=1, max_value=REPETITIONS_MAX)
    default_sets = fields.IntegerField(min_value=1, max_value=SETS_MAX)
    default_sides = fields.ChoiceField(choices=Sides.choices, default=Sides.BOTH)
    video_url = fields.URLField(
        max_length=200, allow_null=True, required=False, help_text="A link; null for none."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TRANSLATION_COLUMNS:
            field, code = name.removesuffix(column("", _language_of(name))), _language_of(name)
            self.fields[name] = fields.CharField(
                max_length=TEXT_LIMITS[field],
                required=False,
                allow_blank=True,
                help_text=f"The {field} in {language_name(code)}; empty falls back to the other "
                "language.",
            )

    def validate_video_url(self, value: str | None) -> str:
        return value or ""


class ExerciseFilter(fields.FilterSet):
    q = fields.SearchFilter(method="search", label="Name contains")
    body_region = django_filters.ChoiceFilter(choices=BodyRegion.choices)
    kind = django_filters.ChoiceFilter(choices=ExerciseKind.choices)
    builtin = fields.BooleanFilter(field_name="clinic", lookup_expr="isnull")
    archived = fields.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Exercise
        fields = ["q", "body_region", "kind", "builtin", "archived"]

    def search(self, queryset, name, value):
        """Every word in the name (either language), region, kind or cues, as the page
        searches."""
        return exercises_search(queryset, value)


@extend_schema_view(
    create=extend_schema(request=ExerciseInputSerializer, responses={201: ExerciseSerializer}),
    partial_update=extend_schema(request=ExerciseInputSerializer, responses=ExerciseSerializer),
)
class ExerciseViewSet(
    ExerciseMediaMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The exercise library: built-ins (read-only) and the clinic's own."""

    queryset = Exercise.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = ExerciseSerializer
    permission_classes = [IsStaffMember]
    filterset_class = ExerciseFilter
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return exercises_for_clinic(clinic=staff_clinic(self.request))

    def create(self, request: Request) -> Response:
        payload = ExerciseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exercise = exercise_create(clinic=staff_clinic(request), **payload.validated_data)
        return Response(ExerciseSerializer(exercise).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        exercise = self.get_object()
        ensure_own(exercise)
        payload = ExerciseInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        exercise = exercise_update(exercise=exercise, **payload.validated_data)
        return Response(ExerciseSerializer(exercise).data)
