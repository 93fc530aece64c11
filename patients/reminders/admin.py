from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clinic.accounts.admin_scoping import ClinicScopedAdmin, ReadOnlyMixin
from clinic.audit.admin import AuditedAdminMixin
from clinic.audit.trail import audit_record

from . import services
from .models import ClinicReminderDefaults, Delivery, PushSubscription, ReminderSettings


class TimesField(forms.CharField):
    """ "07:30, 18:00" in the admin, a list in the database; the service's rule for a time."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return services.parse_times(value.replace(";", ",").split(","))
        except ValidationError as error:
            raise ValidationError(error.message_dict["times"]) from error


class ChoicesForm(forms.ModelForm):
    times = TimesField(label=_("times"), help_text=_("HH:MM, several separated by commas."))


@admin.register(ClinicReminderDefaults)
class ClinicReminderDefaultsAdmin(ClinicScopedAdmin):
    """What a clinic's patients get until they choose: clinic admins set it."""

    admins_only = True
    form = ChoicesForm
    list_display = ["clinic", "email", "push", "calendar", "times", "second_nudge_at"]
    list_select_related = ["clinic"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(AuditedAdminMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    form = ChoicesForm
    list_display = ["patient", "email", "push", "calendar", "times", "second_nudge_at", "timezone"]
    list_select_related = ["patient"]
    search_fields = ["patient__first_name", "patient__last_name"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["feed_reset_at", "updated_at"]
    actions = ["send_now", "reset_calendar"]

    @admin.action(description=_("Send a reminder now"))
    def send_now(self, request, queryset):
        for row in queryset.select_related("patient__clinic"):
            try:
                services.reminder_nudge(patient=row.patient, requested_by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{row.patient}: {' '.join(error.messages)}", messages.ERROR
                )
                continue
            audit_record(request, patient=row.patient, action="change")
            self.message_user(request, _("A reminder is on its way to %s.") % row.patient)

    @admin.action(description=_("Reset the calendar link"))
    def reset_calendar(self, request, queryset):
        for row in queryset.select_related("patient"):
            services.calendar_feed_reset(patient=row.patient)
            audit_record(request, patient=row.patient, action="change")
        self.message_user(request, _("Calendar links reset; the old links no longer work."))


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    """The delivery log: what the worker sent, when, and why not."""

    clinic_lookup = "patient__clinic"
    list_display = [
        "patient",
        "local_date",
        "slot",
        "channel",
        "state",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "kind"]
    list_select_related = ["patient"]
    search_fields = ["patient__first_name", "patient__last_name"]
    date_hierarchy = "due_at"


@admin.register(PushSubscription)
class PushSubscriptionAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["patient", "created_at", "gone_at"]
    list_select_related = ["patient"]
    search_fields = ["patient__first_name", "patient__last_name"]
