"""The audit trail in the JSON API: DRF views record one row per successful request."""

from clinic.audit.trail import audit_patient, record_if_marked


class AuditedAPIMixin:
    """For DRF views and viewsets: one audit row per successful request (see module doc)."""

    audit_action: str | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_if_marked(request, response, self.audit_action)
        return response


class AuditedPatientDataMixin(AuditedAPIMixin):
    """Records each successful request in the audit trail (clinic.audit.trail): a list names no
    single patient, an object names its patient (`audit_patient_of(obj)`)."""

    def audit_patient_of(self, obj):
        return obj.patient

    def get_object(self):
        obj = super().get_object()
        audit_patient(self.request, self.audit_patient_of(obj))
        return obj

    def list(self, request, *args, **kwargs):
        audit_patient(request, None)
        return super().list(request, *args, **kwargs)
