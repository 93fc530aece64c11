from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from patients.selectors import patient_of_user, patient_running_assignments

from .access import staff_member
from .audit import audit_patient, audits_patient


@login_required
@audits_patient()
def home(request: HttpRequest) -> HttpResponse:
    """Send each role where it belongs: staff to their workspace, patients to their plan."""
    if request.user.is_superuser or staff_member(request.user) is not None:
        return redirect("admin:index")
    patient = patient_of_user(request.user)
    if patient is None:
        return render(request, "clinic/no_role.html", status=403)
    audit_patient(request, patient)
    assignments = patient_running_assignments(patient=patient)
    return render(request, "patients/home.html", {"patient": patient, "assignments": assignments})
