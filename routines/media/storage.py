"""Object storage for production (MEDIA_S3_BUCKET): a private bucket whose files are still
reached through Limber's own /media/ view, which checks who is asking and only then sends
them on to a short-lived signed URL (docs/deploy.md, "Media storage")."""

from django.conf import settings
from django.urls import reverse
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Pages link to /media/<name> (the permission-checked view), never to the bucket."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return reverse("media_file", args=[name])

    def signed_url(self, name: str) -> str:
        """A GET link valid for MEDIA_URL_EXPIRY_SECONDS, for someone already checked."""
        return super().url(
            name,
            parameters={"ResponseCacheControl": "private, no-store"},
            expire=settings.MEDIA_URL_EXPIRY_SECONDS,
        )
