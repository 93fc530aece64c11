"""Who is a patient to Limber, and which patients a staff member may see: the scoping
every feature of the patients app starts from (another clinic's patient is never in it)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from rest_framework import exceptions, permissions

from clinic.api.permissions import method_is_answered
from patients.models import Patient


class IsPatient(permissions.BasePermission):
    """An active patient with an account. Anyone else signed in gets 404, as on their pages."""

    def has_permission(self, request, view) -> bool:
        if not method_is_answered(request, view):
            return True
        if not request.user.is_authenticated:
            return False
        patient = patient_of_user(request.user)
        if patient is None:
            raise exceptions.NotFound
        request.patient = patient
        return True


def patient_of_user(user: AbstractBaseUser) -> Patient | None:
    """The signed-in user's own patient record, if they are an active patient. The request's
    user arrives with it (clinic.accounts.signin.RoleBackend), so this costs no query."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        patient = user.patient
    except Patient.DoesNotExist:
        return None
    return patient if patient.archived_at is None else None


def patients_for_staff(*, member) -> QuerySet[Patient]:
    """A staff member's clinic's patients, archived ones included, with their physiotherapist."""
    return Patient.objects.filter(clinic_id=member.clinic_id).select_related(
        "physiotherapist__user"
    )
