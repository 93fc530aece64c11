"""The patient's JSON API: the session player records completions and finishes sessions.

Every queryset is scoped to the signed-in patient, so another's session answers 404; writes
go through input serializers into the same services the HTML forms call.
"""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.audit import AuditedAPIMixin, audit_patient
from routines.models import RoutineStep

from .forms import PAIN_MESSAGE
from .models import PAIN_MAX, Completion, Session
from .services import STEP_NOT_IN_ROUTINE, completion_record, session_finish


class CompletionInputSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    step = serializers.IntegerField()
    set_number = serializers.IntegerField(min_value=1)
    side = serializers.ChoiceField(choices=Completion.Side.choices)
    status = serializers.ChoiceField(choices=Completion.Status.choices)
    skip_reason = serializers.ChoiceField(
        choices=Completion.SkipReason.choices, allow_blank=True, required=False, default=""
    )
    recorded_at = serializers.DateTimeField(required=False)

    def validate_step(self, value: int) -> RoutineStep:
        step = RoutineStep.objects.select_related("exercise").filter(id=value).first()
        if step is None:
            raise serializers.ValidationError(str(STEP_NOT_IN_ROUTINE))
        return step


class CompletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Completion
        fields = [
            "client_id",
            "step",
            "set_number",
            "side",
            "status",
            "skip_reason",
            "recorded_at",
        ]
        read_only_fields = fields


class FinishInputSerializer(serializers.Serializer):
    pain = serializers.IntegerField(
        min_value=0,
        max_value=PAIN_MAX,
        error_messages=dict.fromkeys(
            ("min_value", "max_value", "required", "invalid"), PAIN_MESSAGE
        ),
    )
    effort = serializers.ChoiceField(
        choices=Session.Effort.choices, allow_blank=True, required=False, default=""
    )
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=2000)


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = [
            "id",
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


class SessionViewSet(AuditedAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """/sessions/<id>/ to read; /completions/ and /finish/ to record. Each call is audited."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        return Session.objects.select_related(
            "patient__clinic", "assignment__routine", "assignment__patient__clinic"
        ).filter(patient__user=self.request.user, patient__archived_at__isnull=True)

    def get_object(self) -> Session:
        session = super().get_object()
        audit_patient(self.request, session.patient)
        return session

    @action(detail=True, methods=["post"])
    def completions(self, request: Request, pk: str) -> Response:
        """Record one side of one set. Sending the same client_id again is safe: 200, not 201."""
        session = self.get_object()
        payload = CompletionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        completion, created = completion_record(session=session, **payload.validated_data)
        return Response(
            CompletionSerializer(completion).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @action(detail=True, methods=["post"])
    def finish(self, request: Request, pk: str) -> Response:
        """Close the session with pain, effort and note; a pain of 7 or more flags it."""
        session = self.get_object()
        payload = FinishInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = session_finish(session=session, **payload.validated_data)
        return Response(SessionSerializer(session).data)
