"""Routines and their steps for staff in JSON: the built-in templates and their clinic's own.

Built-ins are listed for every clinic and read-only (403 on a change); another clinic's
items answer 404. Writes go through input serializers into routines.builder.services.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from routines.builder.selectors import routines_for_clinic
from routines.builder.services import (
    routine_create,
    routine_step_add,
    routine_step_move,
    routine_step_take_out,
    routine_step_update,
    routine_update,
)
from routines.languages import columns, contains_in_any_language
from routines.library.api import ensure_own, staff_clinic
from routines.library.selectors import exercises_for_clinic
from routines.models import (
    HOLD_SECONDS_MAX,
    REPETITIONS_MAX,
    REST_SECONDS_MAX,
    SETS_MAX,
    Exercise,
    Routine,
    RoutineStep,
    Sides,
)


def routines_with_steps(*, clinic):
    """The clinic's templates and drafts (routines_for_clinic) with their active steps."""
    steps = RoutineStep.objects.filter(archived_at__isnull=True).select_related("exercise")
    return routines_for_clinic(clinic=clinic).prefetch_related(
        Prefetch("steps", queryset=steps, to_attr="active_steps")
    )


ID = r"[0-9]+"


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
            "rest_between_repetitions_seconds",
            "sets",
            "rest_between_sets_seconds",
            "sides",
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
            # Every language's text ("name" is the reader's language, or the other's).
            *columns("name"),
            *columns("goal"),
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


class RoutineFilter(fields.FilterSet):
    q = fields.SearchFilter(method="search", label="Name or goal (either language) contains")
    is_template = fields.BooleanFilter()
    builtin = fields.BooleanFilter(field_name="clinic", lookup_expr="isnull")

    class Meta:
        model = Routine
        fields = ["q", "is_template", "builtin"]

    def search(self, queryset, name, value):
        return queryset.filter(contains_in_any_language(("name", "goal"), value))


@extend_schema_view(
    create=extend_schema(request=RoutineInputSerializer, responses={201: RoutineSerializer}),
    partial_update=extend_schema(request=RoutineInputSerializer, responses=RoutineSerializer),
)
class RoutineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The clinic's templates and drafts and the built-in templates (read-only), with their
    steps; patients' own copies are reached through their assignments. Steps are changed at
    /routines/<id>/steps/."""

    queryset = Routine.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = RoutineSerializer
    permission_classes = [IsStaffMember]
    filterset_class = RoutineFilter
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return routines_with_steps(clinic=staff_clinic(self.request))

    def create(self, request: Request) -> Response:
        payload = RoutineInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        routine = routine_create(
            clinic=staff_clinic(request), created_by=request.user, **payload.validated_data
        )
        routine = self.get_queryset().get(id=routine.id)
        return Response(RoutineSerializer(routine).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        routine = self.get_object()
        ensure_own(routine)
        payload = RoutineInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changes = {"name": routine.name, "goal": routine.goal, **payload.validated_data}
        routine_update(routine=routine, **changes)
        return Response(RoutineSerializer(self.get_object()).data)


class RoutineStepAddSerializer(serializers.Serializer):
    exercise = fields.IntegerField(
        min_value=1, help_text="Added at the end, with the exercise's default prescription."
    )

    def validate_exercise(self, value: int) -> Exercise:
        exercise = exercises_for_clinic(clinic=self.context["clinic"]).filter(id=value).first()
        if exercise is None:
            raise serializers.ValidationError(_("This exercise is not in your library."))
        return exercise


class RoutineStepUpdateSerializer(serializers.Serializer):
    hold_seconds = fields.IntegerField(
        min_value=1, max_value=HOLD_SECONDS_MAX, help_text="One hold, in seconds."
    )
    repetitions = fields.IntegerField(
        min_value=1, max_value=REPETITIONS_MAX, help_text="Holds in a row on the same side."
    )
    rest_between_repetitions_seconds = fields.IntegerField(
        min_value=0,
        max_value=REST_SECONDS_MAX,
        help_text="Rest after each repetition but the last, in seconds.",
    )
    sets = fields.IntegerField(
        min_value=1, max_value=SETS_MAX, help_text="How often the repetitions (each side) repeat."
    )
    rest_between_sets_seconds = fields.IntegerField(
        min_value=0,
        max_value=REST_SECONDS_MAX,
        help_text="Rest after each set but the last, in seconds; never after the exercise.",
    )
    sides = fields.ChoiceField(
        choices=Sides.choices, help_text="both: both sides at once; each: left, then right."
    )
    note = fields.CharField(max_length=500, allow_blank=True)


class RoutineStepMoveSerializer(serializers.Serializer):
    offset = fields.ChoiceField(
        choices=[("up", "up"), ("down", "down")], help_text="Swap with the step above or below."
    )


ROUTINE_ID = OpenApiParameter("routine_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[ROUTINE_ID]),
    retrieve=extend_schema(parameters=[ROUTINE_ID]),
    create=extend_schema(
        parameters=[ROUTINE_ID],
        request=RoutineStepAddSerializer,
        responses={201: RoutineStepSerializer},
    ),
    partial_update=extend_schema(
        parameters=[ROUTINE_ID],
        request=RoutineStepUpdateSerializer,
        responses=RoutineStepSerializer,
    ),
    destroy=extend_schema(parameters=[ROUTINE_ID]),
    move=extend_schema(
        parameters=[ROUTINE_ID], request=RoutineStepMoveSerializer, responses=RoutineStepSerializer
    ),
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
    filter_backends: list = []
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _routine(self) -> Routine:
        routines = routines_for_clinic(clinic=staff_clinic(self.request))
        return get_object_or_404(routines, id=self.kwargs["routine_id"])

    def get_queryset(self):
        routine = self._routine()
        return (
            routine.steps.filter(archived_at__isnull=True)
            .select_related("exercise", "routine")
            .order_by("position", "id")
        )

    def create(self, request: Request, routine_id: str) -> Response:
        routine = self._routine()
        ensure_own(routine)
        payload = RoutineStepAddSerializer(
            data=request.data, context={"clinic": staff_clinic(request)}
        )
        payload.is_valid(raise_exception=True)
        step = routine_step_add(routine=routine, **payload.validated_data)
        return Response(RoutineStepSerializer(step).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, routine_id: str, pk: str) -> Response:
        step = self.get_object()
        ensure_own(step.routine)
        payload = RoutineStepUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        step = routine_step_update(step=step, **payload.validated_data)
        return Response(RoutineStepSerializer(step).data)

    @action(detail=True, methods=["post"])
    def move(self, request: Request, routine_id: str, pk: str) -> Response:
        """Move the step one place up or down; at an end it stays."""
        step = self.get_object()
        ensure_own(step.routine)
        payload = RoutineStepMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        offset = -1 if payload.validated_data["offset"] == "up" else 1
        step = routine_step_move(step=step, offset=offset)
        return Response(RoutineStepSerializer(step).data)

    def perform_destroy(self, instance: RoutineStep) -> None:
        ensure_own(instance.routine)
        routine_step_take_out(step=instance)
