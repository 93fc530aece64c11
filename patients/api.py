"""Patients, plans and sessions in JSON.

Staff see their clinic's patients, plans and sessions; a patient sees their own today, plan
and sessions, and records into them (the session page's JavaScript uses these same
endpoints). Every queryset comes from a selector scoped to the signed-in user, so another's
object answers 404; writes go through input serializers into the services the pages call.
"""

import datetime
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

from clinic import api_fields as fields
from clinic.access import staff_member
from clinic.api import AuditedPatientDataMixin, Conflict, IsPatient, IsStaffMember
from clinic.audit import audit_patient
from clinic.models import StaffMember
from routines.api import ExerciseSerializer, RoutineStepSerializer
from routines.models import RoutineStep
from routines.selectors import routines_for_clinic

from .adherence import clinic_overview, patient_adherence
from .forms import PAIN_MESSAGE
from .models import (
    ALL_WEEKDAYS,
    PAIN_MAX,
    SESSIONS_PER_DAY_MAX,
    Assignment,
    Completion,
    Patient,
    Session,
)
from .schedule import assignment_state
from .selectors import (
    assignments_for_staff,
    patient_of_user,
    patient_plan,
    patient_session,
    patient_today,
    patients_for_staff,
    sessions_for_patient,
    sessions_for_staff,
)
from .services import (
    STEP_NOT_IN_ROUTINE,
    CompletionConflict,
    SessionAlreadyFinished,
    assignment_create,
    completion_record,
    session_finish,
    session_missing_sets,
    session_open_or_start,
)
from .staff_services import patient_create, patient_update

ID = r"[0-9]+"
# A key sent in the `Idempotency-Key` header stands for a client_id: the same key from the
# same user always maps to the same client_id.
IDEMPOTENCY_NAMESPACE = uuid.UUID("3f0b8a2e-7c1d-4d55-9a57-1f4e2b8c6d10")
IDEMPOTENCY_KEY_MAX = 200


# Patients (staff).


class PatientSerializer(serializers.ModelSerializer):
    has_account = serializers.SerializerMethodField()
    email = fields.CharField(read_only=True, help_text="An address, or empty.")

    class Meta:
        model = Patient
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "physiotherapist",
            "has_account",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_account(self, patient: Patient) -> bool:
        return patient.user_id is not None


class PatientInputSerializer(serializers.Serializer):
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100, allow_blank=True, default="")
    email = fields.EmailField(
        max_length=254, allow_null=True, required=False, help_text="An address; null for none."
    )
    physiotherapist = fields.IntegerField(min_value=1, allow_null=True, default=None)

    def validate_email(self, value: str | None) -> str:
        return value or ""

    def validate_physiotherapist(self, value: int | None) -> StaffMember | None:
        if value is None:
            return None
        member = StaffMember.objects.filter(id=value, clinic_id=self.context["clinic_id"]).first()
        if member is None:
            raise serializers.ValidationError(_("Choose someone of your clinic."))
        return member


class PatientFilter(fields.FilterSet):
    q = fields.SearchFilter(method="search", label="Name or email contains")
    physiotherapist = fields.IdFilter()
    archived = fields.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Patient
        fields = ["q", "physiotherapist", "archived"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )


@extend_schema_view(
    create=extend_schema(request=PatientInputSerializer, responses={201: PatientSerializer}),
    partial_update=extend_schema(request=PatientInputSerializer, responses=PatientSerializer),
)
class PatientViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The clinic's patients. A new patient signs in after accepting an invitation."""

    queryset = Patient.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = PatientSerializer
    permission_classes = [IsStaffMember]
    filterset_class = PatientFilter

    def audit_patient_of(self, obj):
        return obj

    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return patients_for_staff(member=staff_member(self.request.user))

    def _context(self) -> dict:
        return {"clinic_id": staff_member(self.request.user).clinic_id}

    def create(self, request: Request) -> Response:
        payload = PatientInputSerializer(data=request.data, context=self._context())
        payload.is_valid(raise_exception=True)
        patient = patient_create(clinic=staff_member(request.user).clinic, **payload.validated_data)
        audit_patient(request, patient)
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        payload = PatientInputSerializer(data=request.data, partial=True, context=self._context())
        payload.is_valid(raise_exception=True)
        patient = patient_update(patient=patient, **payload.validated_data)
        return Response(PatientSerializer(patient).data)


# Assignments (staff).


class AssignmentSerializer(serializers.ModelSerializer):
    routine_name = fields.CharField(source="routine.name", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "patient",
            "routine",
            "routine_name",
            "starts_on",
            "ends_on",
            "weekdays",
            "sessions_per_day",
            "state",
            "created_at",
            "changed_at",
        ]
        read_only_fields = fields

    def get_state(self, assignment: Assignment) -> str:
        """upcoming, running, paused or ended, on the clinic's today."""
        return assignment_state(assignment, self.context["today"])


class AssignmentInputSerializer(serializers.Serializer):
    patient = fields.IntegerField(min_value=1)
    routine = fields.IntegerField(
        min_value=1, help_text="A routine or template: the patient gets their own copy."
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField(required=False, allow_null=True, default=None)
    weekdays = fields.IntegerField(
        min_value=1,
        max_value=ALL_WEEKDAYS,
        default=ALL_WEEKDAYS,
        help_text="Bit mask: Monday is 1, Tuesday 2, Wednesday 4, … Sunday 64.",
    )
    sessions_per_day = fields.IntegerField(min_value=1, max_value=SESSIONS_PER_DAY_MAX, default=1)

    def validate_patient(self, value: int):
        patient = patients_for_staff(member=self.context["member"]).filter(
            id=value, archived_at__isnull=True
        )
        if not patient:
            raise serializers.ValidationError(_("Choose one of your clinic's patients."))
        return patient.first()

    def validate_routine(self, value: int):
        routine = routines_for_clinic(clinic=self.context["member"].clinic).filter(
            id=value, archived_at__isnull=True
        )
        if not routine:
            raise serializers.ValidationError(_("Choose one of your clinic's routines."))
        return routine.first()

    def validate(self, data):
        if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise serializers.ValidationError({"ends_on": _("The end comes after the start.")})
        return data


class AssignmentFilter(fields.FilterSet):
    patient = fields.IdFilter()

    class Meta:
        model = Assignment
        fields = ["patient"]


@extend_schema_view(
    create=extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer}),
)
class AssignmentViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Patients' plans. Assigning copies the routine, so later edits to a template never
    change a running plan."""

    queryset = Assignment.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = AssignmentSerializer
    permission_classes = [IsStaffMember]
    filterset_class = AssignmentFilter
    lookup_value_regex = ID

    def get_queryset(self):
        return assignments_for_staff(member=staff_member(self.request.user))

    def get_serializer_context(self):
        member = staff_member(self.request.user)
        return {**super().get_serializer_context(), "today": member.clinic.today()}

    def create(self, request: Request) -> Response:
        member = staff_member(request.user)
        payload = AssignmentInputSerializer(data=request.data, context={"member": member})
        payload.is_valid(raise_exception=True)
        assignment = assignment_create(created_by=request.user, **payload.validated_data)
        audit_patient(request, assignment.patient)
        assignment = self.get_queryset().get(id=assignment.id)
        return Response(
            AssignmentSerializer(assignment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# The signed-in patient's today and plan.


class TodaySerializer(serializers.Serializer):
    assignment = fields.IntegerField(source="id")
    routine_name = fields.CharField()
    state = fields.CharField()
    due = fields.IntegerField()
    done = fields.IntegerField()
    left = fields.IntegerField()
    open_session = fields.IntegerField(source="open_session_id", allow_null=True)


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


# Sessions: a patient starts, records and finishes their own; staff read their clinic's.


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
        try:
            return RoutineStep.objects.select_related("exercise").get(id=value)
        except RoutineStep.DoesNotExist:
            raise serializers.ValidationError(str(STEP_NOT_IN_ROUTINE)) from None

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


# Adherence (staff): the clinic's table and one patient's detail, from patients.adherence.


class AdherenceFigureSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField()
    completed = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class AdherenceRowSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="patient.id")
    patient_name = serializers.CharField(source="patient.__str__")
    physiotherapist = serializers.IntegerField(source="patient.physiotherapist_id", allow_null=True)
    week = AdherenceFigureSerializer(help_text="The last 7 days.")
    month = AdherenceFigureSerializer(help_text="The last 30 days.")
    streak = serializers.IntegerField()
    last_session_on = serializers.DateField(allow_null=True)
    latest_pain = serializers.IntegerField(allow_null=True)
    pain_trend = serializers.CharField(allow_null=True)
    average_pain = serializers.FloatField(allow_null=True)
    needs_attention = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    scheduled = serializers.IntegerField()
    completed = serializers.IntegerField()
    sessions = serializers.IntegerField()
    paused = serializers.BooleanField()


class PatientAdherenceSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="patient.id")
    start = serializers.DateField()
    end = serializers.DateField()
    adherence = AdherenceFigureSerializer()
    streak = serializers.IntegerField()
    last_session_on = serializers.DateField(allow_null=True)
    average_pain = serializers.FloatField(allow_null=True)
    pain_trend = serializers.CharField(allow_null=True)
    latest_pain = serializers.IntegerField(allow_null=True)
    days = DaySerializer(many=True)
    reasons = ReasonSerializer(many=True)


class AdherenceQuerySerializer(serializers.Serializer):
    physiotherapist = fields.IntegerField(
        required=False, help_text="Only this physiotherapist's patients."
    )
    attention = fields.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only those who need attention."
    )

    def to_internal_value(self, data):
        # Query strings are text: read them as the schema types them, strictly.
        values = {}
        if "physiotherapist" in data:
            raw = data["physiotherapist"]
            values["physiotherapist"] = int(raw) if raw.lstrip("-").isdigit() else raw
        if "attention" in data:
            raw = data["attention"]
            values["attention"] = {"true": True, "false": False}.get(raw, raw)
        return super().to_internal_value(values)


class AdherencePeriodSerializer(serializers.Serializer):
    start = fields.DateField(required=False, help_text="Default: 29 days before today.")
    end = fields.DateField(required=False, help_text="Default: today.")


ADHERENCE_DAYS_MAX = 366


@extend_schema_view(
    list=extend_schema(parameters=[AdherenceQuerySerializer]),
    retrieve=extend_schema(
        parameters=[
            AdherencePeriodSerializer,
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A patient."
            ),
        ],
        responses=PatientAdherenceSerializer,
    ),
)
class AdherenceViewSet(AuditedPatientDataMixin, viewsets.GenericViewSet):
    """Adherence as on the staff home page: who needs attention and why, 7- and 30-day
    adherence, streak, last session and pain; per patient, a calendar of days."""

    queryset = Patient.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = AdherenceRowSerializer
    permission_classes = [IsStaffMember]
    filter_backends: list = []
    lookup_value_regex = ID

    def get_queryset(self):
        return patients_for_staff(member=staff_member(self.request.user)).filter(
            archived_at__isnull=True
        )

    def audit_patient_of(self, obj):
        return obj

    def list(self, request: Request) -> Response:
        member = staff_member(request.user)
        query = AdherenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        physiotherapist = None
        if "physiotherapist" in query.validated_data:
            physiotherapist = StaffMember.objects.filter(
                id=query.validated_data["physiotherapist"], clinic_id=member.clinic_id
            ).first()
            if physiotherapist is None:
                audit_patient(request, None)
                return self.get_paginated_response_for([])
        rows = clinic_overview(clinic=member.clinic, physiotherapist=physiotherapist)
        attention = query.validated_data.get("attention")
        if attention is not None:
            rows = [row for row in rows if row.needs_attention == attention]
        rows.sort(key=lambda row: (not row.needs_attention, str(row.patient)))
        audit_patient(request, None)
        return self.get_paginated_response_for(rows)

    def get_paginated_response_for(self, rows: list) -> Response:
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AdherenceRowSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        period = AdherencePeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        today = patient.clinic.today()
        end = period.validated_data.get("end", today)
        start = period.validated_data.get("start", end - datetime.timedelta(days=29))
        if end < start or (end - start).days > ADHERENCE_DAYS_MAX:
            raise exceptions.ValidationError(
                {"start": [_("Ask for up to a year, with the start before the end.")]}
            )
        detail = patient_adherence(patient=patient, start=start, end=end)
        overview = clinic_overview(clinic=patient.clinic, patient=patient)
        detail.reasons = overview[0].reasons if overview else []
        return Response(PatientAdherenceSerializer(detail).data)
