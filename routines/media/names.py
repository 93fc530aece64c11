"""The content type each stored extension is served with (the upload checks name files after
their content, routines.media.validators; routines.models.media_upload_to keeps the
extension)."""

from pathlib import PurePosixPath

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
PICTURE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def content_type_for(name: str) -> str | None:
    """The type a stored file is served as, or None for a name no upload check produces."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())
