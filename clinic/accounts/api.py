"""The clinic's settings in JSON: GET and PATCH /api/v1/clinic/.

Anyone of the staff reads their own clinic's; only a clinic admin changes them, through the
same services as the team page. Patients and strangers get 404, as on the staff pages."""

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic.access import staff_member
from clinic.accounts.services import clinic_contact_update
from clinic.api import fields
from clinic.api.permissions import IsStaffMember
from clinic.languages.services import clinic_language_set


class ClinicSettingsSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    timezone = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        help_text="For the clinic's staff and patients who have not chosen a language and "
        "whose browser asks for none that Limber offers; emails to those who have not chosen.",
    )
    address = fields.CharField(max_length=500, allow_blank=True, help_text="On handouts.")
    phone = fields.CharField(max_length=40, allow_blank=True, help_text="On handouts.")


class ClinicSettingsView(APIView):
    """Your clinic's language and contact details."""

    permission_classes = [IsStaffMember]
    serializer_class = ClinicSettingsSerializer

    @extend_schema(responses=ClinicSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(ClinicSettingsSerializer(staff_member(request.user).clinic).data)

    @extend_schema(request=ClinicSettingsSerializer, responses=ClinicSettingsSerializer)
    def patch(self, request: Request) -> Response:
        member = staff_member(request.user)
        if not member.is_clinic_admin:
            raise exceptions.NotFound
        clinic = member.clinic
        payload = ClinicSettingsSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        with transaction.atomic():
            if "language" in data:
                clinic_language_set(clinic=clinic, language=data["language"])
            if "address" in data or "phone" in data:
                clinic_contact_update(
                    clinic=clinic,
                    address=data.get("address", clinic.address),
                    phone=data.get("phone", clinic.phone),
                )
        return Response(ClinicSettingsSerializer(clinic).data)
