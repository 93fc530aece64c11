from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.access import staff_member
from clinic.accounts.admin_scoping import ClinicScopedAdmin, ClinicScopedMixin
from routines.builder.services import (
    STEP_PRESCRIPTION_FIELDS,
    routine_archive,
    routine_copy,
    routine_copy_names,
    routine_create,
    routine_steps_save,
    routine_update,
)
from routines.languages import clinic_language, column, columns
from routines.library.services import REQUIRED_IN_CLINIC_LANGUAGE
from routines.media.forms import PictureField, VideoField
from routines.media.services import (
    clear_poster_without_video,
    media_delete_replaced,
    stored_media_names,
)
from routines.models import Exercise, Routine, RoutineStep


class ExerciseAdminForm(forms.ModelForm):
    """The same upload checks as the exercise page (routines.media.validators)."""

    image = PictureField(label=_("picture"), required=False)
    video = VideoField(label=_("video"), required=False)
    video_poster = PictureField(label=_("video poster"), required=False)

    class Meta:
        model = Exercise
        fields = ["image", "video", "video_poster"]  # the admin adds the rest (fieldsets)

    def clean(self):
        """Its clinic's language (English for a built-in) needs a name and instructions, as
        on the exercise page; the other language is optional and falls back to it."""
        cleaned = super().clean()
        clinic = cleaned.get("clinic", getattr(self.instance, "clinic", None))
        language = clinic_language(clinic)
        for field in REQUIRED_IN_CLINIC_LANGUAGE:
            name = column(field, language)
            if name in self.fields and not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        return cleaned


@admin.register(Exercise)
class ExerciseAdmin(ClinicScopedAdmin):
    form = ExerciseAdminForm
    shows_builtins = True
    list_display = ["name", "body_region", "kind", "default_hold_seconds", "is_builtin", "archived"]
    list_filter = ["body_region", "kind", ("clinic", admin.EmptyFieldListFilter)]
    # Either language's name or instructions.
    search_fields = [*columns("name"), *columns("instructions")]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["clinic", *columns("name"), "body_region", "kind"]}),
        (
            _("How to do it"),
            {"fields": [*columns("instructions"), *columns("cues"), *columns("cautions")]},
        ),
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
        (_("Media"), {"fields": ["image", "video", "video_poster", "video_url"]}),
        (_("Status"), {"fields": ["archived_at"]}),
    ]

    def save_model(self, request, obj: Exercise, form, change: bool) -> None:
        """Saved as the page saves it: a cleared video takes its poster along, and replaced
        files are deleted once the change is committed."""
        before = stored_media_names(obj) if change else {}
        clear_poster_without_video(obj)
        super().save_model(request, obj, form, change)
        media_delete_replaced(exercise=obj, before=before)

    @admin.display(boolean=True, description=_("built in"))
    def is_builtin(self, obj: Exercise) -> bool:
        return obj.is_builtin

    @admin.display(boolean=True, description=_("archived"))
    def archived(self, obj: Exercise) -> bool:
        return obj.archived_at is not None


class StepRowForm(forms.ModelForm):
    """One step row. Its place is a plain number (not the model's position, which is unique
    among active steps and would refuse a swap row by row): the whole list is saved at once
    by routine_steps_save, like the builder's one form."""

    order = forms.IntegerField(label=_("order"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["order"].initial = self.instance.position


class RoutineStepInline(ClinicScopedMixin, admin.TabularInline):
    model = RoutineStep
    form = StepRowForm
    extra = 0
    autocomplete_fields = ["exercise"]
    ordering = ["position"]

    def get_fields(self, request, obj=None):
        # The step's prescription as the builder edits it (whatever fields it has).
        return ["order", "exercise", *STEP_PRESCRIPTION_FIELDS]

    def get_queryset(self, request):
        # Archived steps are history (their completions point at them), not part of it.
        return (
            super()
            .get_queryset(request)
            .filter(archived_at__isnull=True)
            .select_related("exercise")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class StepRow(formset.form):
            def hand_clean_DELETE(self):
                # A done step is protected from deletion: the service archives it instead,
                # so the admin's "would delete protected objects" refusal does not apply.
                pass

        class StepRows(formset):
            form = StepRow

            def clean(self):
                super().clean()
                for row in self.forms:
                    if row.instance.pk is not None and "exercise" in row.changed_data:
                        row.add_error(
                            "exercise",
                            _("A step keeps its exercise: remove it and add a new step."),
                        )

        return StepRows


@admin.register(Routine)
class RoutineAdmin(ClinicScopedAdmin):
    """Routines through the builder's services: creating, renaming, the step list (saved at
    once, a removed step that was done is archived, a patient whose plan it is gets the
    builder's change notice), archiving; the admin is a door like the others."""

    shows_builtins = True
    list_display = ["name", "is_template", "clinic", "step_count", "archived"]
    list_filter = ["is_template", ("archived_at", admin.EmptyFieldListFilter)]
    list_select_related = ["clinic"]
    search_fields = ["name", "goal"]
    inlines = [RoutineStepInline]
    actions = ["duplicate", "archive"]
    # The name and goal are edited in the admin's language (routine_update: the other
    # language's, now stale, is cleared); each language's text is shown beside them.
    fields = [
        "clinic",
        "name",
        "goal",
        *columns("name"),
        *columns("goal"),
        "is_template",
        "copied_from",
        "archived_at",
        "staff_pages",
    ]
    readonly_fields = [
        *columns("name"),
        *columns("goal"),
        "copied_from",
        "archived_at",
        "staff_pages",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["clinic"] if obj is not None else fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.assignments.exists():
            # Routine.clean refuses it with a form error; the help says so beforehand.
            form.base_fields["is_template"].help_text = _(
                "This routine is a patient's plan: duplicate it to make a template."
            )
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = routine_update(
                routine=Routine.objects.get(id=obj.id),
                name=data["name"],
                goal=data["goal"],
                is_template=data["is_template"],
            )
        else:
            saved = routine_create(
                clinic=data["clinic"],
                name=data["name"],
                goal=data["goal"],
                is_template=data["is_template"],
                created_by=request.user,
            )
        obj.__dict__.update(saved.__dict__)  # the admin goes on with what was saved

    def save_formset(self, request, form, formset, change):
        """The step rows, saved at once through routine_steps_save (in the rows' order)."""
        rows = []
        for index, row in enumerate(formset.forms):
            data = getattr(row, "cleaned_data", None)
            if not data or (row.instance.pk is None and not row.has_changed()):
                continue
            item = {name: data[name] for name in STEP_PRESCRIPTION_FIELDS if name in data}
            if row.instance.pk is not None:
                item["step"] = row.instance
            else:
                item["exercise"] = data["exercise"]
            item["delete"] = bool(data.get("DELETE"))
            order = data.get("order")
            rows.append(((order if order is not None else 10_000, index), item))
        rows.sort(key=lambda row: row[0])
        routine_steps_save(routine=form.instance, steps=[item for _key, item in rows])
        # The admin's history line: the service saved the rows, so name none of them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description=_("staff pages"))
    def staff_pages(self, obj: Routine) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("routines:builder", args=[obj.pk]),
            _("Open in the builder"),
        )

    @admin.action(description=_("Archive selected routines"))
    def archive(self, request, queryset):
        count = 0
        for routine in queryset.filter(archived_at__isnull=True, clinic__isnull=False):
            routine_archive(routine=routine)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d routine archived.", "%(count)d routines archived.", count)
            % {"count": count},
        )

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
                names=routine_copy_names(routine),
                created_by=request.user,
            )
            count += 1
        self.message_user(
            request,
            ngettext("Duplicated %d routine.", "Duplicated %d routines.", count) % count,
            messages.SUCCESS,
        )
