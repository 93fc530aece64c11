from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

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
from patients.plans.services import (
    assignment_create,
    assignment_end,
    assignment_pause,
    assignment_resume,
    assignment_schedule,
    assignment_validate,
)
from patients.roster.services import (
    PATIENT_FIELDS,
    patient_archive,
    patient_check_physiotherapist,
    patient_create,
    patient_restore,
    patient_sign_out_everywhere,
    patient_update,
)


class AssignmentInline(ReadOnlyMixin, ClinicScopedMixin, admin.TabularInline):
    """The patient's plans, read-only here: assigning makes the patient's own copy through
    the service, on the assignment's own admin page (linked below) or the staff pages."""

    model = Assignment
    extra = 0
    fields = ["routine", "starts_on", "ends_on", "weekdays", "sessions_per_day"]
    readonly_fields = fields
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
    actions = ["archive", "restore", "sign_out_everywhere"]
    list_display = ["__str__", "physiotherapist", "email", "has_account", "archived"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["physiotherapist__user", "user"]
    search_fields = ["first_name", "last_name", "email"]
    fields = [
        "clinic",
        "first_name",
        "last_name",
        "email",
        "birth_year",
        "phone",
        "referral_reason",
        "physiotherapist",
        "language",
        "user",
        "archived_at",
        "staff_pages",
        "record_export",
    ]
    # The sign-in is made by accepting an invitation, never picked here: a list of the
    # clinic's sign-ins would offer staff accounts (clinic.account_kinds). Archiving is an
    # action (through the service, which also withdraws open invitations), not a date field.
    readonly_fields = ["user", "archived_at", "staff_pages", "record_export"]
    inlines = [AssignmentInline, InvitationInline]

    def get_readonly_fields(self, request, obj=None):
        # A patient stays in their clinic: their plans are copies in that clinic.
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["clinic"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class ServiceCheckedForm(form):
            """Runs the roster service's own check before anything is saved."""

            def clean(self):
                data = super().clean()
                clinic = data.get("clinic") or getattr(self.instance, "clinic", None)
                if clinic is not None:
                    try:
                        patient_check_physiotherapist(
                            clinic=clinic, physiotherapist=data.get("physiotherapist")
                        )
                    except ValidationError as error:
                        self.add_error(None, error)
                return data

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        """Through the roster services, like the staff pages and the API."""
        fields = {
            name: form.cleaned_data[name] for name in PATIENT_FIELDS if name in form.cleaned_data
        }
        if change:
            patient_update(patient=obj, **fields)
        else:
            saved = patient_create(clinic=form.cleaned_data["clinic"], **fields)
            obj.__dict__.update(saved.__dict__)  # the admin goes on with what was saved
        self.audit_saved(request, obj)

    @admin.display(description=_("staff pages"))
    def staff_pages(self, obj: Patient) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("staff:patient_detail", args=[obj.pk]),
            _("Open the patient's page"),
            reverse("admin:patients_assignment_add") + f"?patient={obj.pk}",
            _("Assign a routine (the patient gets their own copy)"),
        )

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

    def _each_through(self, request, queryset, service, action: str, done: str) -> None:
        from clinic.audit.trail import audit_record

        count = 0
        for patient in queryset:
            service(patient=patient)
            audit_record(request, patient=patient, action=action)
            count += 1
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Archive (off the roster, sign-in and invitations stop)"))
    def archive(self, request, queryset):
        self._each_through(
            request,
            queryset.filter(archived_at__isnull=True),
            patient_archive,
            "change",
            ngettext_lazy("%(count)d patient archived.", "%(count)d patients archived.", "count"),
        )

    @admin.action(description=_("Restore archived patients"))
    def restore(self, request, queryset):
        self._each_through(
            request,
            queryset.filter(archived_at__isnull=False),
            patient_restore,
            "change",
            ngettext_lazy("%(count)d patient restored.", "%(count)d patients restored.", "count"),
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


class PauseInline(ReadOnlyMixin, ClinicScopedMixin, admin.TabularInline):
    """Pauses, read-only: pausing and resuming are actions on the plans list (through the
    plan services, which refuse a second open pause)."""

    model = AssignmentPause
    extra = 0
    fields = ["starts_on", "ends_on"]
    readonly_fields = fields


SCHEDULE_FIELDS = ("starts_on", "ends_on", "weekdays", "sessions_per_day")


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdminMixin, ClinicScopedAdmin):
    """A patient's plan. Adding one goes through assignment_create (the patient gets their
    own copy of the chosen routine; an empty routine or another patient's plan is refused)
    and changing the schedule through assignment_schedule (the patient is told), exactly as
    on the staff pages and in the API: the admin is a door like the others."""

    clinic_lookup = "patient__clinic"
    list_display = ["patient", "routine", "starts_on", "ends_on", "sessions_per_day"]
    list_select_related = ["patient", "routine"]
    search_fields = ["patient__first_name", "patient__last_name", "routine__name"]
    autocomplete_fields = ["patient", "routine"]
    date_hierarchy = "starts_on"
    inlines = [PauseInline]
    actions = ["pause", "resume", "end"]
    fields = ["patient", "routine", *SCHEDULE_FIELDS, "created_by", "staff_pages"]
    # Who assigned it is recorded by the service, not chosen from the clinic's sign-ins.
    readonly_fields = ["created_by", "staff_pages"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # A plan's patient and routine (their own copy) never change; its steps are edited
        # in the builder, which tells the patient.
        return fields + ["patient", "routine"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "routine" in form.base_fields:
            form.base_fields["routine"].help_text = _(
                "A template or draft: the patient gets their own copy of it."
            )

        class ServiceCheckedForm(form):
            """Asks the plan service's own checks, so a refused assignment shows its
            message here and nothing is saved."""

            def _post_clean(self):
                if self.instance.pk is None:
                    # The routine chosen is the source of the copy, never the plan itself:
                    # the model's own-copy check applies to what the service saves.
                    self._validate_own_copy()
                    return
                super()._post_clean()

            def _validate_own_copy(self):
                data = self.cleaned_data
                patient = data.get("patient")
                if patient is None:
                    return
                try:
                    assignment_validate(
                        patient=patient,
                        routine=data.get("routine"),
                        starts_on=data.get("starts_on"),
                        ends_on=data.get("ends_on"),
                    )
                except ValidationError as error:
                    for field, errors in error.message_dict.items():
                        self.add_error(field if field in self.fields else None, errors)

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        schedule = {name: form.cleaned_data[name] for name in SCHEDULE_FIELDS}
        if change:
            if any(name in form.changed_data for name in SCHEDULE_FIELDS):
                original = Assignment.objects.get(id=obj.id)
                assignment_schedule(assignment=original, **schedule)
                obj.changed_at, obj.change_summary = original.changed_at, original.change_summary
        else:
            saved = assignment_create(
                patient=form.cleaned_data["patient"],
                routine=form.cleaned_data["routine"],
                created_by=request.user,
                **schedule,
            )
            obj.__dict__.update(saved.__dict__)  # the admin goes on with what was saved
        self.audit_saved(request, obj)

    def save_formset(self, request, form, formset, change):
        # The pauses are read-only here: nothing to save, nothing to log.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("staff pages"))
    def staff_pages(self, obj: Assignment) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("staff:patient_detail", args=[obj.patient_id]),
            _("The patient's page (pause, resume, end)"),
            reverse("routines:builder", args=[obj.routine_id]),
            _("Edit the exercises in the builder (the patient is told)"),
        )

    def _each_through(self, request, queryset, service, done: str) -> None:
        from clinic.audit.trail import audit_record

        count = 0
        for assignment in queryset.select_related("patient__clinic"):
            try:
                service(assignment=assignment)
            except ValidationError as error:
                self.message_user(
                    request, f"{assignment}: {' '.join(error.messages)}", messages.ERROR
                )
                continue
            audit_record(request, patient=assignment.patient, action="change")
            count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Pause from today"))
    def pause(self, request, queryset):
        self._each_through(
            request,
            queryset,
            assignment_pause,
            ngettext_lazy("%(count)d plan paused.", "%(count)d plans paused.", "count"),
        )

    @admin.action(description=_("Resume from today"))
    def resume(self, request, queryset):
        self._each_through(
            request,
            queryset,
            assignment_resume,
            ngettext_lazy("%(count)d plan resumed.", "%(count)d plans resumed.", "count"),
        )

    @admin.action(description=_("End today"))
    def end(self, request, queryset):
        self._each_through(
            request,
            queryset,
            assignment_end,
            ngettext_lazy("%(count)d plan ended.", "%(count)d plans ended.", "count"),
        )

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
