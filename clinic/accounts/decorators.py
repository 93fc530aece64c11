"""View decorators for the staff workspace: who may open a page, and in which clinic."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from clinic.access import staff_member

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Signed-in clinic staff only; `request.staff` is their membership.

    Patients and users without a clinic get 404: the staff workspace does not exist for them.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = staff_member(request.user)
        if member is None:
            raise Http404
        request.staff = member
        return view(request, *args, **kwargs)

    return wrapper


def clinic_admin_required(view: View) -> View:
    """Clinic admins only (physiotherapists get 404 too)."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.staff.is_clinic_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
