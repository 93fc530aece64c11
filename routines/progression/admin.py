"""The admin: a clinic's default gates (clinic admins), and the steps' rules read-only with a
link to the builder's progression page, where the rule is edited through its service."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clinic.accounts.admin_scoping import ClinicScopedAdmin, ReadOnlyMixin

from .models import ClinicGates, ProgressionRule


@admin.register(ClinicGates)
class ClinicGatesAdmin(ClinicScopedAdmin):
    admins_only = True
    list_display = ["clinic", "min_adherence_percent", "pain_threshold"]


@admin.register(ProgressionRule)
class ProgressionRuleAdmin(ReadOnlyMixin, ClinicScopedAdmin):
    clinic_lookup = "step__routine__clinic"
    list_display = ["step", "routine", "field", "mode", "amount", "every", "ceiling", "edit"]
    list_select_related = ["step__routine", "step__exercise"]
    list_filter = ["field", "mode", "cadence"]

    @admin.display(description=_("routine"))
    def routine(self, obj: ProgressionRule) -> str:
        return obj.step.routine.name

    @admin.display(description=_("edit"))
    def edit(self, obj: ProgressionRule) -> str:
        url = reverse("routines:step_progression", args=[obj.step.routine_id, obj.step_id])
        return format_html('<a href="{}">{}</a>', url, _("In the builder"))
