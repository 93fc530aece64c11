from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.access import is_clinic_admin
from clinic.accounts.admin_scoping import ClinicScopedAdmin, ClinicScopedMixin, ReadOnlyMixin
from clinic.audit.admin import AuditedAdminMixin
from patients.models import (
    Assignment,
    AssignmentPause,
    AttentionReview,
    Completion,
    Invitation,
    Patient,
    PlanGates,
    Session,
)
from patients.roster.services import patient_sign_out_everywhere


class AssignmentInline(ClinicScopedMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["routine", "starts_on", "ends_on", "weekdays", "sessions_per_day"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("routine")


class InvitationInline(ReadOnlyMixin, admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["created_at", "expires_at", "used_at", "revoked_at", "created_by"]
    readonly_fields = fields


@admin.register(Patient)
class PatientAdmin(AuditedAdminMixin, ClinicScopedAdmin):
    audit_patient_path = ""
    actions = ["sign_out_everywhere"]
    list_display = ["__str__", "physiotherapist", "email", "has_account", "archived"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["physiotherapist__user", "user"]
    search_fields = ["first_name", "last_name", "email"]
    fields = [
        "clinic",
        "first_name",
        "last_name",
        "email",
        "physiotherapist",
        "user",
        "archived_at",
        "record_export",
    ]
    # The sign-in is made by accepting an invitation, never picked here: a list of the
    # clinic's sign-ins would offer staff accounts (clinic.account_kinds).
    readonly_fields = ["user", "record_export"]
    inlines = [AssignmentInline, InvitationInline]

    @admin.display(description=_("record"))
    def record_export(self, obj: Patient) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("patient_record_export", args=[obj.pk, "json"]),
            _("Export as JSON"),
            reverse("patient_record_export", args=[obj.pk, "csv"]),
            _("Export as CSV"),
        )

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None or not (request.user.is_superuser or is_clinic_admin(request.user)):
            fields = [field for field in fields if field != "record_export"]
        return fields

    @admin.action(description=_("Sign out everywhere"))
    def sign_out_everywhere(self, request, queryset):
        from clinic.audit.trail import audit_record

        count = 0
        for patient in queryset.filter(user__isnull=False):
            patient_sign_out_everywhere(patient=patient)
            audit_record(request, patient=patient, action="sign_out")
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d patient was signed out on every device.",
                "%(count)d patients were signed out on every device.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(boolean=True, description=_("has sign-in"))
    def has_account(self, obj: Patient) -> bool:
        return obj.user_id is not None

    @admin.display(boolean=True, description=_("archived"))
    def archived(self, obj: Patient) -> bool:
        return obj.archived_at is not None

    def has_delete_permission(self, request, obj=None) -> bool:
        # Clinical records are archived, never deleted, except by the operator.
        return request.user.is_superuser


class PauseInline(ClinicScopedMixin, admin.TabularInline):
    model = AssignmentPause
    extra = 0
    fields = ["starts_on", "ends_on"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdminMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["patient", "routine", "starts_on", "ends_on", "sessions_per_day"]
    list_select_related = ["patient", "routine"]
    search_fields = ["patient__first_name", "patient__last_name", "routine__name"]
    autocomplete_fields = ["patient", "routine"]
    date_hierarchy = "starts_on"
    inlines = [PauseInline]
    # Who assigned it is recorded by the service, not chosen from the clinic's sign-ins.
    readonly_fields = ["created_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class CompletionInline(ReadOnlyMixin, admin.TabularInline):
    model = Completion
    extra = 0
    fields = ["exercise_name", "side", "set_number", "status", "skip_reason", "recorded_at"]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["patient", "local_date", "started_at", "finished_at", "pain", "flagged"]
    list_filter = ["flagged", "local_date"]
    list_select_related = ["patient"]
    search_fields = ["patient__first_name", "patient__last_name"]
    date_hierarchy = "local_date"
    inlines = [CompletionInline]


@admin.register(Completion)
class CompletionAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["exercise_name", "patient", "side", "set_number", "status", "recorded_at"]
    list_filter = ["status", "skip_reason"]
    list_select_related = ["patient"]
    search_fields = ["patient__first_name", "patient__last_name", "exercise_name"]
    date_hierarchy = "recorded_at"


@admin.register(AttentionReview)
class AttentionReviewAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["patient", "reasons", "reviewed_by", "reviewed_at"]
    list_select_related = ["patient", "reviewed_by"]
    search_fields = ["patient__first_name", "patient__last_name"]
    date_hierarchy = "reviewed_at"


@admin.register(PlanGates)
class PlanGatesAdmin(AuditedAdminMixin, ClinicScopedAdmin):
    """A plan's own progression gates (issue 19); without them the clinic's apply."""

    clinic_lookup = "assignment__patient__clinic"
    audit_patient_path = "assignment__patient"
    list_display = ["assignment", "min_adherence_percent", "pain_threshold"]
    list_select_related = ["assignment__patient", "assignment__routine"]
    autocomplete_fields = ["assignment"]
