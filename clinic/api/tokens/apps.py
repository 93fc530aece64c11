from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "clinic.api.tokens"
    label = "apitokens"
    verbose_name = _("API tokens")

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the key scheme with drf-spectacular)
