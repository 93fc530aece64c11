from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.access import staff_member
from clinic.accounts.admin_scoping import ClinicScopedAdmin, ClinicScopedMixin
from routines.builder.services import routine_copy
from routines.models import Exercise, Routine, RoutineStep


@admin.register(Exercise)
class ExerciseAdmin(ClinicScopedAdmin):
    shows_builtins = True
    list_display = ["name", "body_region", "kind", "default_hold_seconds", "is_builtin", "archived"]
    list_filter = ["body_region", "kind", ("clinic", admin.EmptyFieldListFilter)]
    search_fields = ["name", "instructions"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["clinic", "name", "body_region", "kind"]}),
        (_("How to do it"), {"fields": ["instructions", "cues", "cautions"]}),
        (
            _("Default prescription"),
            {
                "fields": [
                    "default_hold_seconds",
                    "default_repetitions",
                    "default_sets",
                    "default_sides",
                ]
            },
        ),
        (_("Media"), {"fields": ["image", "video_url"]}),
        (_("Status"), {"fields": ["archived_at"]}),
    ]

    @admin.display(boolean=True, description=_("built in"))
    def is_builtin(self, obj: Exercise) -> bool:
        return obj.is_builtin

    @admin.display(boolean=True, description=_("archived"))
    def archived(self, obj: Exercise) -> bool:
        return obj.archived_at is not None


class RoutineStepInline(ClinicScopedMixin, admin.TabularInline):
    model = RoutineStep
    extra = 0
    autocomplete_fields = ["exercise"]
    fields = [
        "position",
        "exercise",
        "hold_seconds",
        "repetitions",
        "sets",
        "sides",
        "rest_seconds",
        "note",
        "archived_at",
    ]
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise")


@admin.register(Routine)
class RoutineAdmin(ClinicScopedAdmin):
    shows_builtins = True
    list_display = ["name", "is_template", "clinic", "step_count", "archived"]
    list_filter = ["is_template", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["clinic"]
    search_fields = ["name", "goal"]
    inlines = [RoutineStepInline]
    actions = ["duplicate"]
    fields = ["clinic", "name", "goal", "is_template", "copied_from", "archived_at"]
    readonly_fields = ["copied_from"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_steps=Count("steps", filter=Q(steps__archived_at__isnull=True)))
            .order_by("name", "pk")
        )

    @admin.display(description=_("steps"), ordering="active_steps")
    def step_count(self, obj: Routine) -> int:
        return obj.active_steps

    @admin.display(boolean=True, description=_("archived"))
    def archived(self, obj: Routine) -> bool:
        return obj.archived_at is not None

    @admin.action(description=_("Duplicate selected routines as clinic templates"))
    def duplicate(self, request, queryset):
        member = staff_member(request.user)
        count = 0
        for routine in queryset:
            clinic = member.clinic if member else routine.clinic
            if clinic is None:
                self.message_user(
                    request,
                    _("Built-in routines can only be duplicated by a clinic's staff."),
                    messages.WARNING,
                )
                continue
            routine_copy(
                routine=routine,
                clinic=clinic,
                is_template=True,
                name=_("Copy of %(name)s") % {"name": routine.name},
                created_by=request.user,
            )
            count += 1
        self.message_user(
            request,
            ngettext("Duplicated %d routine.", "Duplicated %d routines.", count) % count,
            messages.SUCCESS,
        )
