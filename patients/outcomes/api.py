"""Outcome measures in JSON: questionnaires (and FHIR import/export), the questionnaires a
plan asks for, what is due for a patient, and responses with their scores (and FHIR).

Staff see Limber's and their clinic's questionnaires and their clinic's patients' schedules
and responses; a patient sees what is due for them and their own responses, and answers
through the same service as the page. Another's object answers 404.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from clinic.access import staff_member
from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from clinic.audit.api import AuditedPatientDataMixin
from clinic.audit.trail import audit_patient
from patients.access import IsPatient, patient_of_user
from patients.models import Assignment

from . import fhir
from .models import AnswerOption, Item, Questionnaire, QuestionnaireVersion, Response
from .models import Schedule as OutcomeSchedule
from .selectors import (
    current_versions,
    due_questionnaires,
    items_prefetch,
    questionnaires_for_staff,
    responses_for_patient,
    responses_for_staff,
    schedules_for_staff,
    version_with_items,
)
from .services import (
    postponement_record,
    questionnaire_import,
    response_submit,
    schedule_create,
    schedule_delete,
)

ID = r"[0-9]+"
FHIR_JSON = OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR R4 resource (JSON).")


class AnswerOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnswerOption
        fields = ["code", "label", "score", "system"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    options = AnswerOptionSerializer(many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "link_id",
            "text",
            "kind",
            "required",
            "reversed",
            "scale_min",
            "scale_max",
            "min_label",
            "max_label",
            "enable_when",
            "options",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = QuestionnaireVersion
        fields = [
            "id",
            "version",
            "title",
            "status",
            "score_kind",
            "max_missing",
            "mcid",
            "higher_is_better",
            "score_min",
            "score_max",
            "items",
        ]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer):
    shipped = serializers.BooleanField(source="is_shipped", read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "code",
            "url",
            "name",
            "description",
            "source",
            "copyright",
            "shipped",
            "versions",
        ]
        read_only_fields = fields


def _fhir_refusal(error: DjangoValidationError) -> exceptions.ValidationError:
    """A refused FHIR resource: 400 with every message, each naming its field."""
    return exceptions.ValidationError({"resource": error.messages})


class QuestionnaireViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The questionnaires Limber ships and the clinic's own, with every version's items and
    scoring rule. Clinic admins import FHIR Questionnaires; anyone of the staff exports."""

    queryset = Questionnaire.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = QuestionnaireSerializer
    permission_classes = [IsStaffMember]
    lookup_value_regex = ID

    def get_queryset(self):
        versions = QuestionnaireVersion.objects.prefetch_related(items_prefetch()).order_by("id")
        return (
            questionnaires_for_staff(member=staff_member(self.request.user))
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("name", "id")
        )

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: QuestionnaireSerializer, 400: OpenApiResponse(description="Refused.")},
        description="Import a FHIR R4 Questionnaire (JSON) as the clinic's own, or as a new "
        "version of it. Clinic admins only. All or nothing: a refusal names each field "
        "('item[2].answerOption: …') and stores nothing. Limber's scoring rule travels in "
        "the extensions described in docs/outcomes.md.",
    )
    @action(detail=False, methods=["post"], url_path="import", pagination_class=None)
    def import_fhir(self, request: Request) -> ApiResponse:
        member = staff_member(request.user)
        if not member.is_clinic_admin:
            raise exceptions.NotFound
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"resource": [_("Send one JSON object.")]})
        try:
            version = questionnaire_import(
                clinic=member.clinic, resource=dict(request.data), created_by=request.user
            )
        except DjangoValidationError as error:
            raise _fhir_refusal(error) from None
        questionnaire = self.get_queryset().get(pk=version.questionnaire_id)
        return ApiResponse(
            QuestionnaireSerializer(questionnaire).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: FHIR_JSON})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def fhir(self, request: Request, pk: str) -> ApiResponse:
        """The questionnaire's latest version as a FHIR R4 Questionnaire."""
        questionnaire = self.get_object()
        version = questionnaire.versions.order_by("-id").first()
        if version is None:
            raise exceptions.NotFound
        return ApiResponse(fhir.questionnaire_resource(version_with_items(version.pk)))


# A plan's questionnaires (staff).


class ScheduleSerializer(serializers.ModelSerializer):
    questionnaire_name = fields.CharField(source="questionnaire.name", read_only=True)
    patient = serializers.IntegerField(source="assignment.patient_id", read_only=True)

    class Meta:
        model = OutcomeSchedule
        fields = [
            "id",
            "assignment",
            "patient",
            "questionnaire",
            "questionnaire_name",
            "at_start",
            "every_weeks",
            "at_end",
            "created_at",
        ]
        read_only_fields = fields


class ScheduleInputSerializer(serializers.Serializer):
    assignment = fields.IntegerField(min_value=1)
    questionnaire = fields.IntegerField(min_value=1)
    at_start = fields.BooleanField(default=True)
    every_weeks = fields.IntegerField(min_value=1, max_value=52, allow_null=True, default=None)
    at_end = fields.BooleanField(default=True)

    def validate_assignment(self, value: int):
        assignment = (
            Assignment.objects.select_related("patient")
            .filter(id=value, patient__clinic_id=self.context["member"].clinic_id)
            .first()
        )
        if assignment is None:
            raise serializers.ValidationError(_("Choose a plan of one of your clinic's patients."))
        return assignment

    def validate_questionnaire(self, value: int):
        questionnaire = (
            questionnaires_for_staff(member=self.context["member"]).filter(id=value).first()
        )
        if questionnaire is None:
            raise serializers.ValidationError(_("Choose one of your clinic's questionnaires."))
        return questionnaire


class ScheduleFilter(fields.FilterSet):
    assignment = fields.IdFilter()
    patient = fields.IdFilter(field_name="assignment__patient")

    class Meta:
        model = OutcomeSchedule
        fields = ["assignment", "patient"]


@extend_schema_view(
    create=extend_schema(request=ScheduleInputSerializer, responses={201: ScheduleSerializer}),
)
class ScheduleViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The questionnaires patients' plans ask for: at the start, every N weeks, at the end.
    Deleting one stops asking; the answers given stay."""

    queryset = OutcomeSchedule.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = ScheduleSerializer
    permission_classes = [IsStaffMember]
    filterset_class = ScheduleFilter
    lookup_value_regex = ID

    def audit_patient_of(self, obj):
        return obj.assignment.patient

    def get_queryset(self):
        return schedules_for_staff(member=staff_member(self.request.user)).order_by("id")

    def create(self, request: Request) -> ApiResponse:
        member = staff_member(request.user)
        payload = ScheduleInputSerializer(data=request.data, context={"member": member})
        payload.is_valid(raise_exception=True)
        schedule = schedule_create(created_by=request.user, **payload.validated_data)
        audit_patient(request, schedule.assignment.patient)
        return ApiResponse(ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: OutcomeSchedule) -> None:
        schedule_delete(schedule=instance)


# What is due for the signed-in patient.


class DueSerializer(serializers.Serializer):
    schedule = serializers.IntegerField(source="schedule.pk")
    questionnaire = serializers.IntegerField(source="schedule.questionnaire_id")
    name = serializers.CharField()
    due_on = serializers.DateField()
    timepoint = serializers.ChoiceField(choices=["start", "interval", "end"])
    can_postpone = serializers.BooleanField()
    copyright = serializers.CharField(source="schedule.questionnaire.copyright")
    version = VersionSerializer(help_text="The version the answers will be scored under.")


class DueViewSet(AuditedPatientDataMixin, viewsets.GenericViewSet):
    """The questionnaires the signed-in patient's plans ask for today (clinic time), with
    the items to answer. Answer with POST /questionnaire-responses/; put them all off once
    with POST /questionnaires-due/postpone/."""

    queryset = OutcomeSchedule.objects.none()  # for the schema; what is due is computed
    serializer_class = DueSerializer
    permission_classes = [IsPatient]
    pagination_class = None

    def _due(self, request: Request) -> list:
        due = due_questionnaires(patient=request.patient)
        versions = current_versions(item.schedule.questionnaire_id for item in due)
        for item in due:
            item.version = versions.get(item.schedule.questionnaire_id)
        return [item for item in due if item.version is not None]

    @extend_schema(responses=DueSerializer(many=True))
    def list(self, request: Request) -> ApiResponse:
        audit_patient(request, request.patient)
        return ApiResponse(DueSerializer(self._due(request), many=True).data)

    @extend_schema(request=None, responses=DueSerializer(many=True))
    @action(detail=False, methods=["post"])
    def postpone(self, request: Request) -> ApiResponse:
        """ "Later": what is due today and was never put off waits until the next day.
        Answers what is still due (those already put off once)."""
        audit_patient(request, request.patient)
        for item in due_questionnaires(patient=request.patient):
            if item.can_postpone:
                postponement_record(patient=request.patient, schedule=item.schedule)
        return ApiResponse(DueSerializer(self._due(request), many=True).data)


# Responses and scores.


class ResponseSerializer(serializers.ModelSerializer):
    questionnaire = serializers.IntegerField(source="version.questionnaire_id", read_only=True)
    questionnaire_name = fields.CharField(source="version.questionnaire.name", read_only=True)
    version_number = fields.CharField(source="version.version", read_only=True)
    no_score_text = fields.CharField(read_only=True)
    answers = serializers.DictField(
        read_only=True, help_text="By link id: a whole number, an option code or text."
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "patient",
            "questionnaire",
            "questionnaire_name",
            "version",
            "version_number",
            "schedule",
            "due_on",
            "local_date",
            "answered_at",
            "answers",
            "score",
            "no_score_reason",
            "no_score_text",
        ]
        read_only_fields = fields


class ResponseInputSerializer(serializers.Serializer):
    schedule = fields.IntegerField(min_value=1, help_text="A questionnaire due today.")
    answers = serializers.DictField(
        help_text="By link id: a whole number (scale), an option code (choice) or text."
    )

    def validate_schedule(self, value: int) -> OutcomeSchedule:
        schedule = (
            OutcomeSchedule.objects.select_related("assignment", "questionnaire")
            .filter(id=value, assignment__patient=self.context["patient"])
            .first()
        )
        if schedule is None:
            raise serializers.ValidationError(_("Choose a questionnaire that is due for you."))
        return schedule


class ResponseFilter(fields.FilterSet):
    patient = fields.IdFilter()
    questionnaire = fields.IdFilter(field_name="version__questionnaire")

    class Meta:
        model = Response
        fields = ["patient", "questionnaire"]


@extend_schema_view(
    create=extend_schema(
        request=ResponseInputSerializer,
        responses={201: ResponseSerializer},
        description="Answer a questionnaire your plan asks for today. Patients only. The "
        "score follows the questionnaire's current version, which the response keeps.",
    ),
)
class ResponseViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Questionnaire responses and their scores: a patient's own, or (for staff) their
    clinic's patients'."""

    queryset = Response.objects.none()  # for the schema; get_queryset() scopes
    serializer_class = ResponseSerializer
    filterset_class = ResponseFilter
    lookup_value_regex = ID

    def get_queryset(self):
        member = staff_member(self.request.user)
        if member is not None:
            return responses_for_staff(member=member)
        return responses_for_patient(user=self.request.user)

    def _patient(self):
        patient = patient_of_user(self.request.user)
        if patient is None:
            raise exceptions.NotFound
        return patient

    def list(self, request: Request) -> ApiResponse:
        if staff_member(request.user) is None:
            patient = self._patient()
            response = super().list(request)
            audit_patient(request, patient)
            return response
        return super().list(request)

    def create(self, request: Request) -> ApiResponse:
        patient = self._patient()
        payload = ResponseInputSerializer(data=request.data, context={"patient": patient})
        payload.is_valid(raise_exception=True)
        response = response_submit(
            patient=patient, answered_by=request.user, **payload.validated_data
        )
        audit_patient(request, patient)
        response = self.get_queryset().get(pk=response.pk)
        return ApiResponse(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: FHIR_JSON})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def fhir(self, request: Request, pk: str) -> ApiResponse:
        """The response as a FHIR R4 QuestionnaireResponse."""
        response = self.get_object()
        return ApiResponse(
            fhir.response_resource(response, version_with_items(response.version_id))
        )

    @extend_schema(responses={200: FHIR_JSON})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def observation(self, request: Request, pk: str) -> ApiResponse:
        """The response's score as a FHIR R4 Observation."""
        return ApiResponse(fhir.observation_resource(self.get_object()))
