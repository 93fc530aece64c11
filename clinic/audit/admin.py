"""The audit trail in the Django admin: one row per admin page of a model that holds patient
data (the clinic scoping itself is clinic.accounts.admin_scoping)."""

from clinic.audit.trail import audit_patient, record_if_marked


class AuditedAdminMixin:
    """Records one audit row per successful admin page of a model that holds patient data.

    `audit_patient_path` leads from the object to its Patient ("" when it is the Patient,
    "patient" for an assignment). Lists and empty add forms name no single patient.
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

    def _audited(self, request, response, action=None):
        audit_patient(request, self._audit_patient_of(getattr(request, "_audit_object", None)))
        record_if_marked(request, response, action)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        return self._audited(request, response, "list" if request.method == "GET" else None)

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        return self._audited(request, response, "create" if request.method == "POST" else None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._audited(
            request, super().change_view(request, object_id, form_url, extra_context)
        )

    def history_view(self, request, object_id, extra_context=None):
        return self._audited(request, super().history_view(request, object_id, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._audited(request, response, "delete" if request.method == "POST" else None)
