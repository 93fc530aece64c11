"""Reminders in JSON: settings, the delivery log, the calendar link, the staff nudge and a
browser's push subscription.

A patient reads and changes their own settings; staff read and change their clinic's
patients' (and only staff may send a reminder now). Anyone else's patient answers 404.
Writes go through the same services as the pages.
"""

from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.access import staff_member
from clinic.api import fields
from clinic.audit.api import AuditedAPIMixin, AuditedPatientDataMixin
from clinic.audit.trail import audit_patient
from patients.access import IsPatient, patient_of_user
from patients.models import Patient

from . import schedule, services
from .models import Channel, Delivery, PushSubscription
from .selectors import deliveries_for_clinic
from .sending import absolute_url

ID = r"[0-9]+"
TIME_PATTERN = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$"
TIME_MESSAGE = _("%(value)s is not a time of day (HH:MM, 00:00 to 23:59).")


class IsPatientOrStaff(permissions.BasePermission):
    """A signed-in patient (their own records) or clinic staff (their clinic's)."""

    def has_permission(self, request, view) -> bool:
        if request.method not in view.allowed_methods:
            return True
        if not request.user.is_authenticated:
            return False
        request.member = staff_member(request.user)
        request.patient = None if request.member else patient_of_user(request.user)
        if request.member is None and request.patient is None:
            raise exceptions.NotFound
        return True


def _patients_for(request) -> QuerySet[Patient]:
    patients = Patient.objects.select_related(
        "clinic__reminder_defaults", "reminder_settings"
    ).order_by("last_name", "first_name", "id")
    if request.member is not None:
        return patients.filter(clinic_id=request.member.clinic_id)
    return patients.filter(pk=request.patient.pk)


class ReminderSettingsSerializer(serializers.Serializer):
    patient = serializers.IntegerField(source="pk", read_only=True)
    own = serializers.SerializerMethodField(
        help_text="Whether the patient chose; false: the clinic's defaults apply."
    )
    channels = serializers.SerializerMethodField()
    times = serializers.SerializerMethodField()
    weekdays = serializers.SerializerMethodField()
    second_nudge_at = serializers.SerializerMethodField()
    quiet_from = serializers.SerializerMethodField()
    quiet_until = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    def _choices(self, patient) -> schedule.Choices:
        return schedule.choices_for(patient)

    def get_own(self, patient) -> bool:
        return self._choices(patient).own

    def get_channels(self, patient) -> list[str]:
        return self._choices(patient).channels

    def get_times(self, patient) -> list[str]:
        return [moment.strftime("%H:%M") for moment in self._choices(patient).times]

    def get_weekdays(self, patient) -> int | None:
        return self._choices(patient).weekdays

    @staticmethod
    def _time(value) -> str | None:
        return value.strftime("%H:%M") if value is not None else None

    def get_second_nudge_at(self, patient) -> str | None:
        return self._time(self._choices(patient).second_nudge_at)

    def get_quiet_from(self, patient) -> str | None:
        return self._time(self._choices(patient).quiet_from)

    def get_quiet_until(self, patient) -> str | None:
        return self._time(self._choices(patient).quiet_until)

    def get_timezone(self, patient) -> str:
        return self._choices(patient).zone.key

    def get_calendar_url(self, patient) -> str | None:
        """The secret feed link: shown to the patient only."""
        request = self.context.get("request")
        if request is None or getattr(request, "patient", None) is None:
            return None
        row = getattr(patient, "reminder_settings", None)
        if row is None or not row.feed_id:
            return None
        from django.urls import reverse

        return absolute_url(
            reverse("reminders:calendar_feed", args=[services.calendar_feed_token(row)])
        )


class ReminderSettingsInputSerializer(serializers.Serializer):
    channels = serializers.ListField(
        child=fields.ChoiceField(choices=Channel.choices), max_length=3, allow_empty=True
    )
    times = serializers.ListField(
        child=fields.CharField(
            max_length=5,
            validators=[RegexValidator(TIME_PATTERN, message=TIME_MESSAGE)],
        ),
        min_length=1,
        max_length=4,
        help_text='Times of day, "HH:MM" (00:00 to 23:59), in the patient\'s time zone.',
    )
    weekdays = fields.IntegerField(
        min_value=1,
        max_value=127,
        allow_null=True,
        required=False,
        help_text="Bit mask (Monday 1 … Sunday 64); null: the plan's own days.",
    )
    second_nudge_at = serializers.TimeField(allow_null=True, required=False, format="%H:%M")
    quiet_from = serializers.TimeField(allow_null=True, required=False, format="%H:%M")
    quiet_until = serializers.TimeField(allow_null=True, required=False, format="%H:%M")
    timezone = fields.CharField(
        max_length=64,
        allow_blank=True,
        required=False,
        help_text="An IANA zone such as Europe/Amsterdam; blank: the clinic's.",
    )


class DeliverySerializer(serializers.ModelSerializer):
    requested_by = serializers.StringRelatedField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "patient",
            "local_date",
            "slot",
            "kind",
            "channel",
            "state",
            "attempts",
            "due_at",
            "next_attempt_at",
            "sent_at",
            "last_error",
            "requested_by",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="Reminder settings: yours, or your clinic's patients'"),
    retrieve=extend_schema(summary="One patient's reminder settings (id: the patient's)"),
    update=extend_schema(
        summary="Change reminder settings",
        request=ReminderSettingsInputSerializer,
        responses=ReminderSettingsSerializer,
    ),
    partial_update=extend_schema(
        summary="Change some reminder settings",
        request=ReminderSettingsInputSerializer(partial=True),
        responses=ReminderSettingsSerializer,
    ),
)
class ReminderSettingsViewSet(
    AuditedPatientDataMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """When and how each patient is reminded. The id is the patient's."""

    queryset = Patient.objects.none()
    serializer_class = ReminderSettingsSerializer
    permission_classes = [IsPatientOrStaff]
    filter_backends: list = []
    lookup_value_regex = ID
    http_method_names = ["get", "put", "patch", "post", "head", "options"]

    def audit_patient_of(self, obj):
        return obj

    def get_queryset(self):
        return _patients_for(self.request)

    def _save(self, request: Request, *, partial: bool) -> Response:
        patient = self.get_object()
        payload = ReminderSettingsInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        choices = schedule.choices_for(patient)
        own = getattr(patient, "reminder_settings", None)
        current = {
            "channels": choices.channels,
            "times": [moment.strftime("%H:%M") for moment in choices.times],
            "weekdays": choices.weekdays,
            "second_nudge_at": choices.second_nudge_at,
            "quiet_from": choices.quiet_from,
            "quiet_until": choices.quiet_until,
            "timezone": own.timezone if own is not None else "",
        }
        values = {**current, **payload.validated_data}
        values["timezone_name"] = values.pop("timezone")
        services.reminder_settings_update(patient=patient, **values)
        patient = self.get_queryset().get(pk=patient.pk)
        return Response(self.get_serializer(patient).data)

    def update(self, request: Request, pk: str) -> Response:
        return self._save(request, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._save(request, partial=True)

    @extend_schema(
        summary="A new secret calendar link; the old one answers 404",
        request=None,
        responses=ReminderSettingsSerializer,
    )
    @action(detail=True, methods=["post"])
    def reset_calendar(self, request: Request, pk: str) -> Response:
        patient = self.get_object()
        services.calendar_feed_reset(patient=patient)
        patient = self.get_queryset().get(pk=patient.pk)
        return Response(self.get_serializer(patient).data)

    @extend_schema(
        summary="Send a reminder now (staff; at most one per patient per 15 minutes)",
        request=None,
        responses={
            202: DeliverySerializer(many=True),
            400: OpenApiResponse(description="Too soon, or no channel reaches the patient."),
        },
    )
    @action(detail=True, methods=["post"])
    def nudge(self, request: Request, pk: str) -> Response:
        if request.member is None:
            raise exceptions.NotFound
        patient = self.get_object()
        rows = services.reminder_nudge(patient=patient, requested_by=request.user)
        return Response(DeliverySerializer(rows, many=True).data, status=status.HTTP_202_ACCEPTED)


class DeliveryFilter(fields.FilterSet):
    patient = fields.IdFilter()

    class Meta:
        model = Delivery
        fields = ["patient", "channel", "state"]


@extend_schema_view(list=extend_schema(summary="The reminder delivery log, newest first"))
class DeliveryViewSet(AuditedPatientDataMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every reminder and what became of it: sent, waiting, retrying or given up (why)."""

    queryset = Delivery.objects.none()
    serializer_class = DeliverySerializer
    permission_classes = [IsPatientOrStaff]
    filterset_class = DeliveryFilter

    def get_queryset(self):
        if self.request.member is not None:
            return deliveries_for_clinic(clinic_id=self.request.member.clinic_id)
        audit_patient(self.request, self.request.patient)
        return Delivery.objects.filter(patient=self.request.patient).order_by("-due_at", "-id")


class PushSubscriptionInputSerializer(serializers.Serializer):
    endpoint = fields.CharField(max_length=1000)
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=40)


class PushSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "created_at"]
        read_only_fields = fields


class PushSubscriptionViewSet(AuditedAPIMixin, viewsets.GenericViewSet):
    """Your browser's Web Push subscription (the patient's own devices)."""

    queryset = PushSubscription.objects.none()
    serializer_class = PushSubscriptionSerializer
    permission_classes = [IsPatient]
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        summary="Turn on notifications for a browser",
        request=PushSubscriptionInputSerializer,
        responses={201: PushSubscriptionSerializer},
    )
    def create(self, request: Request) -> Response:
        payload = PushSubscriptionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit_patient(request, request.patient)
        subscription = services.push_subscription_save(
            patient=request.patient, **payload.validated_data
        )
        return Response(
            PushSubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED
        )
