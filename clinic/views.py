from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from patients.selectors import patient_of_user

from .access import staff_member


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each role where it belongs: staff to their workspace, patients to their plan."""
    if request.user.is_superuser or staff_member(request.user) is not None:
        return redirect("dashboard:home" if staff_member(request.user) else "admin:index")
    patient = patient_of_user(request.user)
    if patient is None:
        return render(request, "clinic/no_role.html", status=403)
    return redirect("patients:today")
