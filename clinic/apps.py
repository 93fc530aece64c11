from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = _("Clinic")

    def ready(self) -> None:
        # Connects the sign-in receivers (session clock, expiry) and those that forget a
        # cached signed-in user when their rows change.
        from clinic import signed_in
        from clinic.accounts import signin  # noqa: F401

        signed_in.connect()


class LimberAdminConfig(admin_apps.AdminConfig):
    """Django's admin on Limber's site, which asks for the second sign-in step."""

    default = False  # clinic's own config stays the app's default
    default_site = "clinic.admin_site.LimberAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp's own device admins are not scoped to a clinic and show secrets and
        # QR codes; devices are reset through the staff member's admin action instead.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
