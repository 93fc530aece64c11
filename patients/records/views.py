"""Downloads of one patient's record: by the patient themselves, or by a clinic admin."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from clinic.access import staff_member
from clinic.audit.trail import audit_patient, audits_patient
from patients.access import patient_of_user
from patients.models import Patient
from patients.records.export import patient_export_csv, patient_export_json

FORMATS = {"json": "application/json", "csv": "text/csv"}


def _download(patient: Patient, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    body = (
        patient_export_json(patient=patient)
        if fmt == "json"
        else patient_export_csv(patient=patient)
    )
    response = HttpResponse(body, content_type=f"{FORMATS[fmt]}; charset=utf-8")
    filename = f"limber-patient-{patient.pk}-{timezone.now():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _get_patient_for_clinic_admin(request: HttpRequest, patient_id: int) -> Patient:
    """One of the admin's clinic's patients, or 404 for anyone else's or any other role."""
    if request.user.is_superuser:
        return get_object_or_404(Patient, pk=patient_id)
    member = staff_member(request.user)
    if member is None or not member.is_clinic_admin:
        raise Http404
    return get_object_or_404(Patient, pk=patient_id, clinic_id=member.clinic_id)


@login_required
@audits_patient("export")
@require_safe
def my_data_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """A patient downloads everything Limber holds about them."""
    patient = patient_of_user(request.user)
    if patient is None:
        raise Http404
    audit_patient(request, patient)
    return _download(patient, fmt)


@login_required
@audits_patient("export")
@require_safe
def patient_record_export(request: HttpRequest, patient_id: int, fmt: str) -> HttpResponse:
    """A clinic admin exports one patient's whole record."""
    patient = _get_patient_for_clinic_admin(request, patient_id)
    audit_patient(request, patient)
    return _download(patient, fmt)
