"""A patient's today, plan and sessions in JSON.

A patient sees their own today, plan and sessions, and records into them (the session
page's JavaScript uses these same endpoints); staff read their clinic's sessions. Every
queryset comes from a selector scoped to the signed-in user, so another's object answers
404; writes go through input serializers into the services the pages call.
"""

import uuid

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.access import staff_member
from clinic.api import fields
from clinic.api.errors import Conflict
from clinic.audit.api import AuditedPatientDataMixin
from clinic.audit.trail import audit_patient
from patients.access import IsPatient, patient_of_user
from patients.models import PAIN_MAX, Assignment, Completion, Session
from patients.sessions.forms import PAIN_MESSAGE
from patients.sessions.selectors import (
    patient_plan,
    patient_session,
    patient_today,
    sessions_for_patient,
    sessions_for_staff,
    step_with_exercise,
)
from patients.sessions.services import (
    STEP_NOT_IN_ROUTINE,
    CompletionConflict,
    SessionAlreadyFinished,
    completion_record,
    session_finish,
    session_missing_sets,
    session_open_or_start,
)
from routines.builder.api import RoutineStepSerializer
from routines.library.api import ExerciseSerializer
from routines.models import RoutineStep

ID = r"[0-9]+"


# A key sent in the `Idempotency-Key` header stands for a client_id: the same key from the
# same user always maps to the same client_id.
IDEMPOTENCY_NAMESPACE = uuid.UUID("3f0b8a2e-7c1d-4d55-9a57-1f4e2b8c6d10")


IDEMPOTENCY_KEY_MAX = 200


class TodaySerializer(serializers.Serializer):
    assignment = fields.IntegerField(source="id")
    routine_name = fields.CharField()
    state = fields.CharField()
    due = fields.IntegerField()
    done = fields.IntegerField()
    left = fields.IntegerField()
    open_session = fields.IntegerField(source="open_session_id", allow_null=True)
    this_week = serializers.ListField(
        child=fields.CharField(),
        source="progression_lines",
        help_text="What progressed at the start of this week, one line a step "
        '("Hamstring stretch: hold 25 s (up from 20 s)").',
    )


class PlanStepSerializer(RoutineStepSerializer):
    exercise = ExerciseSerializer(read_only=True)

    class Meta(RoutineStepSerializer.Meta):
        pass


class PlanSerializer(serializers.ModelSerializer):
    routine_name = fields.CharField(source="routine.name", read_only=True)
    goal = fields.CharField(source="routine.goal", read_only=True)
    steps = PlanStepSerializer(source="routine.active_steps", many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "routine_name",
            "goal",
            "starts_on",
            "ends_on",
            "weekdays",
            "sessions_per_day",
            "steps",
        ]
        read_only_fields = fields


class TodayViewSet(AuditedPatientDataMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your plans running today (in your clinic's time zone): sessions due, done and left."""

    serializer_class = TodaySerializer
    permission_classes = [IsPatient]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        audit_patient(self.request, self.request.patient)
        return patient_today(patient=self.request.patient)


class PlanViewSet(AuditedPatientDataMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your plans now and to come, with every step's exercise: the handout."""

    serializer_class = PlanSerializer
    permission_classes = [IsPatient]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        audit_patient(self.request, self.request.patient)
        return patient_plan(patient=self.request.patient)


class CompletionInputSerializer(serializers.Serializer):
    client_id = fields.UUIDField(
        required=False,
        help_text="Made by the client; sending it again returns the first record. "
        "Optional when an Idempotency-Key header is sent.",
    )
    step = fields.IntegerField(min_value=1)
    set_number = fields.IntegerField(min_value=1, max_value=1000)
    side = fields.ChoiceField(choices=Completion.Side.choices)
    status = fields.ChoiceField(choices=Completion.Status.choices)
    skip_reason = fields.ChoiceField(
        choices=Completion.SkipReason.choices, allow_blank=True, required=False, default=""
    )
    recorded_at = fields.DateTimeField(required=False)

    def validate_step(self, value: int) -> RoutineStep:
        step = step_with_exercise(value)
        if step is None:
            raise serializers.ValidationError(str(STEP_NOT_IN_ROUTINE))
        return step

    def validate(self, data):
        key = self.context.get("idempotency_key")
        if "client_id" not in data:
            if not key:
                raise serializers.ValidationError(
                    {"client_id": _("Send a client_id or an Idempotency-Key header.")}
                )
            data["client_id"] = uuid.uuid5(
                IDEMPOTENCY_NAMESPACE, f"{self.context['user_id']}:{key}"
            )
        return data


# A date and time as the API writes it (DRF's format and time zone), outside any serializer.
_MOMENT = serializers.DateTimeField()


# Every tap on Done or Skip is answered with a completion, so its JSON is written out in
# to_representation rather than through the fields, which the schema still describes:
# building a ModelSerializer's fields from the model cost more than the rest of the answer.
# tests/api/test_completions.py holds the two to the same output.
class CompletionSerializer(serializers.ModelSerializer):
    skip_reason = fields.CharField(read_only=True, help_text="Why it was skipped, or empty.")

    class Meta:
        model = Completion
        fields = [
            "id",
            "client_id",
            "session",
            "step",
            "set_number",
            "side",
            "status",
            "skip_reason",
            "recorded_at",
            "exercise_name",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Completion) -> dict:
        return {
            "id": instance.id,
            "client_id": str(instance.client_id),
            "session": instance.session_id,
            "step": instance.step_id,
            "set_number": instance.set_number,
            "side": instance.side,
            "status": instance.status,
            "skip_reason": instance.skip_reason,
            "recorded_at": _MOMENT.to_representation(instance.recorded_at),
            "exercise_name": instance.exercise_name,
        }


class FinishInputSerializer(serializers.Serializer):
    pain = fields.IntegerField(
        min_value=0,
        max_value=PAIN_MAX,
        error_messages=dict.fromkeys(
            ("min_value", "max_value", "required", "invalid", "null"), PAIN_MESSAGE
        ),
    )
    effort = fields.ChoiceField(
        choices=Session.Effort.choices, allow_blank=True, required=False, default=""
    )
    note = fields.CharField(allow_blank=True, required=False, default="", max_length=2000)


class SessionSerializer(serializers.ModelSerializer):
    effort = fields.CharField(read_only=True, help_text="easy, right, hard, or empty.")

    class Meta:
        model = Session
        fields = [
            "id",
            "patient",
            "assignment",
            "local_date",
            "started_at",
            "finished_at",
            "pain",
            "effort",
            "note",
            "flagged",
        ]
        read_only_fields = fields


class MissingSetSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    set_number = serializers.IntegerField()
    side = serializers.CharField()


class FinishStateSerializer(serializers.Serializer):
    finished = serializers.BooleanField()
    missing = MissingSetSerializer(many=True, help_text="Sets to do or skip before finishing.")


class SessionStartInputSerializer(serializers.Serializer):
    assignment = fields.IntegerField(min_value=1)

    def validate_assignment(self, value: int) -> Assignment:
        assignment = (
            Assignment.objects.select_related("patient__clinic")
            .filter(id=value, patient=self.context["patient"])
            .first()
        )
        if assignment is None:
            raise serializers.ValidationError(_("Choose one of your plans."))
        return assignment


class SessionFilter(fields.FilterSet):
    patient = fields.IdFilter()
    assignment = fields.IdFilter()
    date_from = django_filters.DateFilter(field_name="local_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="local_date", lookup_expr="lte")
    finished = fields.BooleanFilter(field_name="finished_at", lookup_expr="isnull", exclude=True)
    flagged = fields.BooleanFilter()

    class Meta:
        model = Session
        fields = ["patient", "assignment", "date_from", "date_to", "finished", "flagged"]


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Stands for client_id when the body has none: the same key returns the "
    "first record; the same key with a different body answers 409.",
)


@extend_schema_view(
    create=extend_schema(
        request=SessionStartInputSerializer,
        responses={201: SessionSerializer, 200: SessionSerializer},
        description="Start today's session of one of your plans, or continue the one open "
        "today (200). Patients only.",
    ),
)
class SessionViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Sessions: a patient's own, or (for staff) their clinic's patients'."""

    queryset = Session.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    lookup_value_regex = ID

    def get_queryset(self):
        member = staff_member(self.request.user)
        if member is not None:
            return sessions_for_staff(member=member)
        return sessions_for_patient(user=self.request.user)

    def list(self, request: Request) -> Response:
        if staff_member(request.user) is None:
            patient = self._patient()  # neither staff nor a patient: 404, as on the pages
            response = super().list(request)
            audit_patient(request, patient)
            return response
        return super().list(request)

    def _patient(self):
        patient = patient_of_user(self.request.user)
        if patient is None:
            raise exceptions.NotFound
        return patient

    def _own_session(self, pk: str) -> Session:
        """Recording is the patient's alone: staff, even of the clinic, get 404."""
        session = patient_session(patient=self._patient(), session_id=pk)
        if session is None:
            raise exceptions.NotFound
        audit_patient(self.request, session.patient)
        return session

    def create(self, request: Request) -> Response:
        patient = self._patient()
        payload = SessionStartInputSerializer(data=request.data, context={"patient": patient})
        payload.is_valid(raise_exception=True)
        session, started = session_open_or_start(**payload.validated_data)
        audit_patient(request, patient)
        return Response(
            SessionSerializer(session).data,
            status=status.HTTP_201_CREATED if started else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=CompletionSerializer(many=True),
        parameters=[],
    )
    @extend_schema(
        methods=["POST"],
        request=CompletionInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CompletionSerializer,
            200: CompletionSerializer,
            409: OpenApiResponse(description="This key was used for a different completion."),
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def completions(self, request: Request, pk: str) -> Response:
        """GET: what was recorded in the session. POST: record one side of one set.
        Idempotent: the same client_id (or Idempotency-Key) returns the first record with
        200; with a different body, 409."""
        if request.method == "GET":
            session = self.get_object()
            return Response(CompletionSerializer(session.completions.all(), many=True).data)
        session = self._own_session(pk)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("Use at most 200 characters.")]}
            )
        payload = CompletionInputSerializer(
            data=request.data, context={"idempotency_key": key, "user_id": request.user.id}
        )
        payload.is_valid(raise_exception=True)
        try:
            completion, created = completion_record(session=session, **payload.validated_data)
        except CompletionConflict as error:
            raise Conflict(str(error)) from None
        return Response(
            CompletionSerializer(completion).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(methods=["GET"], request=None, responses=FinishStateSerializer)
    @extend_schema(methods=["POST"], request=FinishInputSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def finish(self, request: Request, pk: str) -> Response:
        """GET: whether the session can be finished, and which sets are still missing.
        POST: close it with pain, effort and note; a pain of 7 or more flags it."""
        if request.method == "GET":
            session = self.get_object()
            missing = [
                {"step": step.id, "set_number": set_number, "side": side}
                for step, set_number, side in session_missing_sets(session=session)
            ]
            state = {"finished": session.is_finished, "missing": missing}
            return Response(FinishStateSerializer(state).data)
        session = self._own_session(pk)
        payload = FinishInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            session = session_finish(session=session, **payload.validated_data)
        except SessionAlreadyFinished as error:
            raise Conflict(" ".join(error.messages)) from None
        return Response(SessionSerializer(session).data)
