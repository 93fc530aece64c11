"""Patients' plans in JSON (staff): list, read and assign. Assigning copies the routine,
through the same service as the pages; every queryset is scoped to the staff member's clinic."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.access import staff_member
from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from clinic.audit.api import AuditedPatientDataMixin
from clinic.audit.trail import audit_patient
from patients.access import patients_for_staff
from patients.models import ALL_WEEKDAYS, SESSIONS_PER_DAY_MAX, Assignment
from patients.plans.schedule import assignment_state
from patients.plans.selectors import assignments_for_staff
from patients.plans.services import assignment_create
from routines.builder.selectors import routines_for_clinic

ID = r"[0-9]+"


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
