"""Keeps a half-signed-in staff member on the second step until they have given it."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from clinic.accounts.signin import IS_STAFF
from clinic.accounts.twofactor.state import PENDING, is_verified, two_factor_required


class TwoFactorMiddleware:
    """After sign-in with a password, a staff member who owes a code (they have a device,
    or their role or clinic requires one) reaches only the code or enrolment page and
    sign-out; the Django admin asks every user for it. Patients pass untouched, and so does
    anyone verified: a session key read, no query (clinic.accounts.twofactor.state).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_stop(request):
            return self._second_step(request)
        return self.get_response(request)

    @staticmethod
    def _must_stop(request: HttpRequest) -> bool:
        if not request.user.is_authenticated or not request.session.get(IS_STAFF):
            return False
        if is_verified(request):
            return False
        path = request.path_info
        if path.startswith("/two-factor/") or path == reverse("logout"):
            return False
        return (
            request.session.get(PENDING, False)
            or two_factor_required(request.user)
            or path.startswith(reverse("admin:index"))
        )

    @staticmethod
    def _second_step(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Finish signing in: enter the code from your authenticator app.")},
                status=403,
            )
        url = reverse("two_factor:verify")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
