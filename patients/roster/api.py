"""The clinic's patients in JSON (staff): list, read, create and change, through the same
services as the roster pages; another clinic's patient answers 404."""

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
from clinic.models import StaffMember
from patients.access import patients_for_staff
from patients.models import Patient
from patients.roster.services import patient_create, patient_update

ID = r"[0-9]+"


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
