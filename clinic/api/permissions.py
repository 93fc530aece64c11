"""Who may call an endpoint: staff of a clinic (patients: patients.access.IsPatient).

A method the endpoint does not have gets 405 whoever asks; a signed-in user of the wrong
role gets 404, as on the pages."""

from rest_framework import exceptions, permissions

from clinic.access import staff_member


def method_is_answered(request, view) -> bool:
    """A method the endpoint does not have gets 405 (with Allow), whoever asks."""
    return request.method in view.allowed_methods


class IsStaffMember(permissions.BasePermission):
    """Staff of a clinic. Anyone else signed in gets 404, as on the staff pages."""

    def has_permission(self, request, view) -> bool:
        if not method_is_answered(request, view):
            return True
        if not request.user.is_authenticated:
            return False
        if staff_member(request.user) is None:
            raise exceptions.NotFound
        return True
