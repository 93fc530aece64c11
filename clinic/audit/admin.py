"""The audit trail in the Django admin: one row per admin page of a model that holds patient
data (the clinic scoping itself is clinic.accounts.admin_scoping)."""

import copy

from clinic.audit.trail import audit_patient, audit_record, record_if_marked

_UNSET = object()


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
