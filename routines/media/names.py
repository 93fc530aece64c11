"""Stored media names: random, with an extension taken from the checked content, and the
content type each extension is served with."""

import uuid
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


def random_media_name(filename: str) -> str:
    """exercises/<uuid4>.<ext>: nobody can guess another clinic's file or overwrite one.

    The upload checks (routines.media.validators) have already replaced the client's file
    name with one whose extension matches the content; anything else loses its extension.
    """
    extension = PurePosixPath(filename).suffix.lower()
    if extension not in CONTENT_TYPES:
        extension = ""
    return f"exercises/{uuid.uuid4().hex}{extension}"


def content_type_for(name: str) -> str | None:
    """The type a stored file is served as, or None for a name no upload check produces."""
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower())
