from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        # Connects the sign-in receivers (session clock, expiry).
        from . import signin  # noqa: F401


class LimberAdminConfig(admin_apps.AdminConfig):
    """Django's admin on Limber's site, which asks for the second sign-in step."""

    default = False  # clinic's own config stays the app's default
    default_site = "clinic.admin_site.LimberAdminSite"
