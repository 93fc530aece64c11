"""Clinic scoping for the Django admin.

A staff member who is not a superuser sees, edits and can choose only their own clinic's
objects: on changelists, change forms (another clinic's object is "not found"), inlines,
autocomplete and every foreign-key choice. Built-in rows (no clinic) are visible to all
staff and read-only to them. Permissions come from the staff role, not Django's
per-model permissions, so a new clinic needs no group set-up.
"""

import copy

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from .access import staff_member

_UNSET = object()


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


class AuditedAdminMixin:
    """Records one audit row per admin page of a model that holds patient data, only when
    the page really showed or changed it.

    `audit_patient_path` leads from the object to its Patient ("" when it is the Patient,
    "patient" for an assignment). Lists and empty add forms name no single patient.

    What is recorded: a list ("list"); an object's page ("view"; "change" once the form was
    saved); a new object ("create" once saved, "view" for the empty or refused form); a
    deletion ("delete" once the object is gone, "view" for the confirmation page). Another
    clinic's object (the admin's "doesn't exist" redirect), a refusal (403) and a delete
    that deleted nothing record no access of that kind. Changelist actions record their own
    rows (see PatientAdmin.sign_out_everywhere and delete_queryset below).
    """

    audit_patient_path = "patient"
    #: The admin pages that record (the admin's other URLs show no patient data).
    audited_views = ("changelist_view", "add_view", "change_view", "history_view", "delete_view")

    def _audit_patient_of(self, obj):
        if obj is None:
            return None
        target = obj
        for part in filter(None, self.audit_patient_path.split("__")):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        request._audit_object = obj
        return obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request._audit_object = obj
        request._audit_saved = True

    def delete_model(self, request, obj):
        # Kept before deleting: deleting the Patient itself clears its id on the instance.
        patient = copy.copy(self._audit_patient_of(obj))
        super().delete_model(request, obj)
        request._audit_deleted_patient = patient

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: one "delete" row per patient whose data went."""
        from .audit import audit_record

        patients = {}
        for obj in queryset:
            patient = self._audit_patient_of(obj)
            if patient is not None:
                patients[patient.pk] = copy.copy(patient)
        super().delete_queryset(request, queryset)
        for patient in patients.values():
            audit_record(request, patient=patient, action="delete")

    def _audited(self, request, response, action: str | None, patient=_UNSET):
        """Record this page's one row as `action`; None: it accessed no patient data."""
        from .audit import audit_patient, record_if_marked

        if action is None:
            return response
        if patient is _UNSET:
            patient = self._audit_patient_of(getattr(request, "_audit_object", None))
        audit_patient(request, patient)
        record_if_marked(request, response, action)
        return response

    def _found(self, request) -> bool:
        # get_object() gives None for another clinic's object (or none at all): the admin
        # then redirects with "doesn't exist", and nothing was read.
        return getattr(request, "_audit_object", None) is not None

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # A POST that redirects ran an action (which records its own rows) or none at all.
        ran_action = request.method == "POST" and response.status_code != 200
        return self._audited(request, response, None if ran_action else "list", None)

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        if getattr(request, "_audit_saved", False):
            return self._audited(request, response, "create")
        return self._audited(request, response, "view", None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if not self._found(request):
            return response
        saved = getattr(request, "_audit_saved", False)
        return self._audited(request, response, "change" if saved else "view")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._audited(request, response, "view" if self._found(request) else None)

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        deleted = getattr(request, "_audit_deleted_patient", _UNSET)
        if deleted is not _UNSET:
            return self._audited(request, response, "delete", deleted)
        # The confirmation page, or a deletion refused because records depend on it.
        return self._audited(request, response, "view" if self._found(request) else None)
