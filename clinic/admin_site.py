"""The Django admin's site: besides Django's checks, a verified second sign-in step."""

from django.contrib import admin
from django.http import HttpRequest

from clinic.accounts.twofactor.state import is_verified


class LimberAdminSite(admin.AdminSite):
    """Like django_otp's OTPAdminSite, an unverified session is treated as no admin at all.

    TwoFactorMiddleware sends a half-signed-in user to the code page before they get
    here; this check holds even if the middleware were left out.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request)
