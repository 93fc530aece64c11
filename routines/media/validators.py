"""Upload checks shared by the exercise form, the admin and the API: size first (before
anything reads the file), then what the content really is. A file that passes is renamed
after its content, so the stored name's extension (and the type it is served with) can be
trusted; one that fails raises ValidationError and nothing is stored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .names import PICTURE_EXTENSIONS
from .sniff import VideoKind, sniff_video

PICTURE_MAX_BYTES = 5 * 1024 * 1024

VIDEO_TOO_LARGE = _("The video is %(size)s; the largest allowed is %(max)s.")
NOT_A_VIDEO = _(
    "This file is not an MP4 or WebM video (whatever its name says). Upload the video "
    "itself, saved as MP4 or WebM."
)
PICTURE_TOO_LARGE = _("The picture is %(size)s; the largest allowed is %(max)s.")
NOT_A_PICTURE = _("Upload a JPEG, PNG, WebP or GIF picture.")


def _too_large(message, file: File, limit: int) -> ValidationError:
    params = {"size": filesizeformat(file.size), "max": filesizeformat(limit)}
    return ValidationError(message, code="too_large", params=params)


def check_video(file: File) -> VideoKind:
    """An MP4 or WebM no larger than EXERCISE_VIDEO_MAX_BYTES, renamed video.mp4/.webm."""
    limit = settings.EXERCISE_VIDEO_MAX_BYTES
    if file.size > limit:
        raise _too_large(VIDEO_TOO_LARGE, file, limit)
    kind = sniff_video(file)
    if kind is None:
        raise ValidationError(NOT_A_VIDEO, code="not_video")
    file.name = f"video.{kind.extension}"
    file.content_type = kind.content_type
    return kind


def check_picture(file: File) -> str:
    """A JPEG, PNG, WebP or GIF that Pillow can read, no larger than 5 MB, renamed after its
    format; returns the format."""
    if file.size > PICTURE_MAX_BYTES:
        raise _too_large(PICTURE_TOO_LARGE, file, PICTURE_MAX_BYTES)
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except Exception as error:  # Pillow raises many kinds for a file that is not a picture
        raise ValidationError(NOT_A_PICTURE, code="format") from error
    finally:
        file.seek(0)
    if image_format not in PICTURE_EXTENSIONS:
        raise ValidationError(NOT_A_PICTURE, code="format")
    file.name = f"picture.{PICTURE_EXTENSIONS[image_format]}"
    return image_format
