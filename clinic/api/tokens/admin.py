from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clinic.access import staff_member
from clinic.api.tokens.models import ApiToken
from clinic.api.tokens.services import api_token_create, api_token_revoke


class ApiTokenCreationForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Each person makes and revokes their own keys; the key is shown once."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """Everyone's for the operator; a clinic admin also sees (to revoke) their clinic's
        staff's keys; anyone else only their own."""
        tokens = super().get_queryset(request)
        if request.user.is_superuser:
            return tokens
        member = staff_member(request.user)
        if member is not None and member.is_clinic_admin:
            return tokens.filter(Q(user=request.user) | Q(user__staff__clinic_id=member.clinic_id))
        return tokens.filter(user=request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revoke instead: the row records when a key stopped working.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        token, raw = api_token_create(user=request.user, name=obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            _("Your new key is %(key)s — copy it now: it will not be shown again.") % {"key": raw},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        messages.success(request, _("Revoked."))
