"""The admin: questionnaires (scoped to the clinic; imported as FHIR, their versions read
only) and responses (read only, each page recorded in the audit trail)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clinic.access import staff_member
from clinic.accounts.admin_scoping import ClinicScopedAdmin, ReadOnlyMixin
from clinic.audit.admin import AuditedAdminMixin
from clinic.models import Clinic

from .forms import FhirImportForm
from .models import Questionnaire, QuestionnaireVersion, Response
from .services import questionnaire_import


class VersionInline(ReadOnlyMixin, admin.TabularInline):
    """Versions are frozen: a change is a new version, imported as FHIR."""

    model = QuestionnaireVersion
    extra = 0
    fields = ["version", "title", "status", "score_kind", "max_missing", "mcid", "higher_is_better"]
    readonly_fields = fields
    show_change_link = False


class AdminFhirImportForm(FhirImportForm):
    clinic = forms.ModelChoiceField(
        label=_("Clinic"), queryset=Clinic.objects.order_by("name"), required=False
    )


@admin.register(Questionnaire)
class QuestionnaireAdmin(ClinicScopedAdmin):
    shows_builtins = True
    admins_only = True
    list_display = ["name", "code", "clinic", "url"]
    list_select_related = ["clinic"]
    search_fields = ["name", "code"]
    fields = ["clinic", "code", "url", "name", "description", "source", "copyright"]
    readonly_fields = ["clinic", "code", "url"]
    inlines = [VersionInline]

    def has_add_permission(self, request, *args) -> bool:
        return False  # questionnaires come in as FHIR: see import_view

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="outcomes_questionnaire_import",
            )
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import": self.may_write(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """Import a FHIR Questionnaire into the staff member's clinic (the operator picks
        one). The same service as the staff page and the API: all or nothing."""
        if not self.may_write(request):
            raise Http404
        member = staff_member(request.user)
        form = AdminFhirImportForm(request.POST or None, request.FILES or None)
        if member is not None:
            del form.fields["clinic"]
        if request.method == "POST" and form.is_valid():
            clinic = member.clinic if member is not None else form.cleaned_data.get("clinic")
            if clinic is None:
                form.add_error("clinic", _("Choose the clinic the questionnaire is for."))
            else:
                try:
                    version = questionnaire_import(
                        clinic=clinic, resource=form.cleaned_data["data"], created_by=request.user
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    messages.success(
                        request, _("Imported %(name)s.") % {"name": version.questionnaire}
                    )
                    return redirect(
                        reverse(
                            "admin:outcomes_questionnaire_change",
                            args=[version.questionnaire_id],
                        )
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a FHIR Questionnaire"),
            "form": form,
        }
        return TemplateResponse(request, "admin/outcomes/questionnaire/import.html", context)


@admin.register(Response)
class ResponseAdmin(AuditedAdminMixin, ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ["patient", "questionnaire", "local_date", "score", "no_score_reason"]
    list_select_related = ["patient", "version__questionnaire"]
    list_filter = ["version__questionnaire"]
    date_hierarchy = "answered_at"
    fields = [
        "patient",
        "version",
        "schedule",
        "due_on",
        "local_date",
        "answered_at",
        "answers",
        "score",
        "no_score_reason",
        "licence",
    ]
    readonly_fields = fields

    @admin.display(description=_("questionnaire"))
    def questionnaire(self, obj: Response) -> str:
        return obj.version.questionnaire.name

    @admin.display(description=_("copyright or licence"))
    def licence(self, obj: Response) -> str:
        return obj.version.questionnaire.copyright or "-"
