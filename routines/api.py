"""The library and routines for staff: the built-ins and their clinic's own.

Built-ins are listed for every clinic and read-only (403 on a change); another clinic's
items answer 404. Writes go through input serializers into routines.services.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from clinic import api_fields as fields
from clinic.access import staff_member
from clinic.api import IsStaffMember

from .models import (
    HOLD_SECONDS_MAX,
    REPETITIONS_MAX,
    REST_SECONDS_MAX,
    SETS_MAX,
    BodyRegion,
    Exercise,
    ExerciseKind,
    Routine,
    RoutineStep,
    Sides,
)
from .selectors import exercises_for_staff, routine_steps_for_staff, routines_for_staff
from .services import (
    exercise_create,
    exercise_update,
    routine_create,
    routine_step_add,
    routine_step_remove,
    routine_step_update,
    routine_update,
)

ID = r"[0-9]+"


class ExerciseSerializer(serializers.ModelSerializer):
    is_builtin = fields.BooleanField(read_only=True)
    image = serializers.ImageField(read_only=True, allow_null=True)
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
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "default_sides",
            "image",
            "video_url",
            "is_builtin",
            "archived_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExerciseInputSerializer(serializers.Serializer):
    name = fields.CharField(max_length=120)
    body_region = fields.ChoiceField(choices=BodyRegion.choices)
    kind = fields.ChoiceField(choices=ExerciseKind.choices, default=ExerciseKind.STRETCH)
    instructions = fields.CharField(max_length=5000)
    cues = fields.CharField(max_length=5000, allow_blank=True, default="")
    cautions = fields.CharField(max_length=5000, allow_blank=True, default="")
    default_hold_seconds = fields.IntegerField(min_value=1, max_value=HOLD_SECONDS_MAX)
    default_repetitions = fields.IntegerField(min_value=1, max_value=REPETITIONS_MAX)
    default_sets = fields.IntegerField(min_value=1, max_value=SETS_MAX)
    default_sides = fields.ChoiceField(choices=Sides.choices, default=Sides.BOTH)
    video_url = fields.URLField(
        max_length=200, allow_null=True, required=False, help_text="A link; null for none."
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
        return queryset.filter(name__icontains=value)


@extend_schema_view(
    create=extend_schema(request=ExerciseInputSerializer, responses={201: ExerciseSerializer}),
    partial_update=extend_schema(request=ExerciseInputSerializer, responses=ExerciseSerializer),
)
class ExerciseViewSet(
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
        return exercises_for_staff(member=staff_member(self.request.user))

    def create(self, request: Request) -> Response:
        payload = ExerciseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exercise = exercise_create(
            clinic=staff_member(request.user).clinic, **payload.validated_data
        )
        return Response(ExerciseSerializer(exercise).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        exercise = self.get_object()
        payload = ExerciseInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        exercise = exercise_update(exercise=exercise, **payload.validated_data)
        return Response(ExerciseSerializer(exercise).data)


class RoutineStepSerializer(serializers.ModelSerializer):
    exercise_name = fields.CharField(source="exercise.name", read_only=True)

    class Meta:
        model = RoutineStep
        fields = [
            "id",
            "position",
            "exercise",
            "exercise_name",
            "hold_seconds",
            "repetitions",
            "sets",
            "sides",
            "rest_seconds",
            "note",
        ]
        read_only_fields = fields


class RoutineSerializer(serializers.ModelSerializer):
    is_builtin = fields.BooleanField(read_only=True)
    steps = RoutineStepSerializer(source="active_steps", many=True, read_only=True)

    class Meta:
        model = Routine
        fields = [
            "id",
            "name",
            "goal",
            "is_template",
            "is_builtin",
            "copied_from",
            "archived_at",
            "created_at",
            "updated_at",
            "steps",
        ]
        read_only_fields = fields


class RoutineInputSerializer(serializers.Serializer):
    name = fields.CharField(max_length=120)
    goal = fields.CharField(max_length=5000, allow_blank=True, default="")
    is_template = fields.BooleanField(default=True)


class RoutineFilter(fields.FilterSet):
    q = fields.SearchFilter(method="search", label="Name contains")
    is_template = fields.BooleanFilter()
    builtin = fields.BooleanFilter(field_name="clinic", lookup_expr="isnull")
    archived = fields.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Routine
        fields = ["q", "is_template", "builtin", "archived"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(goal__icontains=value))


@extend_schema_view(
    create=extend_schema(request=RoutineInputSerializer, responses={201: RoutineSerializer}),
    partial_update=extend_schema(request=RoutineInputSerializer, responses=RoutineSerializer),
)
class RoutineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Routines with their steps: the built-in templates (read-only) and the clinic's own,
    patients' copies included. Steps are changed at /routines/<id>/steps/."""

    queryset = Routine.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = RoutineSerializer
    permission_classes = [IsStaffMember]
    filterset_class = RoutineFilter
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return routines_for_staff(member=staff_member(self.request.user))

    def create(self, request: Request) -> Response:
        payload = RoutineInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        routine = routine_create(
            clinic=staff_member(request.user).clinic,
            created_by=request.user,
            **payload.validated_data,
        )
        routine = self.get_queryset().get(id=routine.id)
        return Response(RoutineSerializer(routine).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        routine = self.get_object()
        payload = RoutineInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        routine_update(routine=routine, **payload.validated_data)
        return Response(RoutineSerializer(self.get_object()).data)


class RoutineStepInputSerializer(serializers.Serializer):
    exercise = fields.IntegerField(min_value=1)
    position = fields.IntegerField(min_value=1, max_value=1000, required=False)
    hold_seconds = fields.IntegerField(min_value=1, max_value=HOLD_SECONDS_MAX, default=20)
    repetitions = fields.IntegerField(min_value=1, max_value=REPETITIONS_MAX, default=1)
    sets = fields.IntegerField(min_value=1, max_value=SETS_MAX, default=1)
    sides = fields.ChoiceField(choices=Sides.choices, default=Sides.BOTH)
    rest_seconds = fields.IntegerField(min_value=0, max_value=REST_SECONDS_MAX, default=10)
    note = fields.CharField(max_length=500, allow_blank=True, default="")

    def validate_exercise(self, value: int) -> Exercise:
        exercise = exercises_for_staff(member=self.context["member"]).filter(id=value).first()
        if exercise is None:
            raise serializers.ValidationError(_("Choose an exercise from your library."))
        return exercise


class RoutineStepUpdateSerializer(RoutineStepInputSerializer):
    position = None


ROUTINE_ID = OpenApiParameter("routine_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[ROUTINE_ID]),
    retrieve=extend_schema(parameters=[ROUTINE_ID]),
    create=extend_schema(
        parameters=[ROUTINE_ID],
        request=RoutineStepInputSerializer,
        responses={201: RoutineStepSerializer},
    ),
    partial_update=extend_schema(
        parameters=[ROUTINE_ID],
        request=RoutineStepUpdateSerializer,
        responses=RoutineStepSerializer,
    ),
    destroy=extend_schema(parameters=[ROUTINE_ID]),
)
class RoutineStepViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A routine's steps, in order. Removing a step that was ever done archives it, so what
    patients recorded is never lost."""

    queryset = RoutineStep.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = RoutineStepSerializer
    permission_classes = [IsStaffMember]
    pagination_class = None
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _routine(self) -> Routine:
        member = staff_member(self.request.user)
        return get_object_or_404(routines_for_staff(member=member), id=self.kwargs["routine_id"])

    def get_queryset(self):
        routine = self._routine()
        return routine_steps_for_staff(
            member=staff_member(self.request.user), routine_id=routine.id
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "member": staff_member(self.request.user)}

    def create(self, request: Request, routine_id: str) -> Response:
        routine = self._routine()
        payload = RoutineStepInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        step = routine_step_add(routine=routine, **payload.validated_data)
        return Response(RoutineStepSerializer(step).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, routine_id: str, pk: str) -> Response:
        step = self.get_object()
        payload = RoutineStepUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        step = routine_step_update(step=step, **payload.validated_data)
        return Response(RoutineStepSerializer(step).data)

    def perform_destroy(self, instance: RoutineStep) -> None:
        routine_step_remove(step=instance)
