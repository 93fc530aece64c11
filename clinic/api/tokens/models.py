from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal key for the JSON API. Only the SHA-256 of the key is kept: the key itself is
    shown once, when it is made, and cannot be read back."""

    user = models.ForeignKey("clinic.User", models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, kept in clear so a person can tell their keys apart.
    prefix = models.CharField(_("starts with"), max_length=8)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="apitoken_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
