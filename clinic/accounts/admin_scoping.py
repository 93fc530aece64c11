"""Clinic scoping for the Django admin.

A staff member who is not a superuser sees, edits and can choose only their own clinic's
objects: on changelists, change forms (another clinic's object is "not found"), inlines,
autocomplete and every foreign-key choice. Built-in rows (no clinic) are visible to all
staff and read-only to them. Permissions come from the staff role, not Django's
per-model permissions, so a new clinic needs no group set-up.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clinic.access import staff_member


def _is_valid_key(field, value) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, minus its crash on a malformed submitted id."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        value = [item for item in value if item in ("", None) or _is_valid_key(target, item)]
        return super().optgroups(name, value, attr)


class ClinicScopedMixin:
    #: Lookup from this model to its Clinic, e.g. "clinic" or "patient__clinic".
    clinic_lookup = "clinic"
    #: Whether rows without a clinic (built-ins) are shown to every clinic's staff.
    shows_builtins = False
    #: Only clinic admins (and superusers) may see and change these.
    admins_only = False

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if request.user.is_superuser:
            return queryset
        member = staff_member(request.user)
        if member is None:
            return queryset.none()
        visible = Q(**{self.clinic_lookup: member.clinic_id})
        if self.shows_builtins:
            visible |= Q(**{f"{self.clinic_lookup}__isnull": True})
        return queryset.filter(visible)

    def is_builtin(self, obj) -> bool:
        return self.shows_builtins and getattr(obj, "clinic_id", False) is None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related_admin, ClinicScopedMixin) and not request.user.is_superuser:
            kwargs["queryset"] = related_admin.get_queryset(request)
            if db_field.name == "clinic":
                # Staff create objects in their own clinic; built-ins are the operator's.
                kwargs.update(required=True, empty_label=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        # The add form takes initial values from the query string; a malformed id there
        # ("?patient=abc") would crash the related-object widget, so it is dropped. So is
        # any date-time: the split date/time widget cannot show text (a 500), and no page
        # links here with one.
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            is_key = field.concrete and field.is_relation and not field.many_to_many
            bad_key = is_key and not _is_valid_key(field.target_field, value)
            if bad_key or isinstance(field, models.DateTimeField):
                del initial[name]
        return initial

    def has_module_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return True
        member = staff_member(request.user)
        return member is not None and (member.is_clinic_admin or not self.admins_only)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def may_write(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not self.has_module_permission(request):
            return False
        return obj is None or not self.is_builtin(obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self.may_write(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.may_write(request, obj)


class ClinicScopedAdmin(ClinicScopedMixin, admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))


class ReadOnlyMixin:
    """Recorded clinical history: visible, never changed or deleted through the admin."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
