"""Adherence in JSON (staff): the clinic's table and one patient's detail, from
patients.review.adherence, as on the staff home page."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets
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
from patients.review.adherence import clinic_overview, patient_adherence

ID = r"[0-9]+"


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
