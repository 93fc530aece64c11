"""Upload fields for pictures and videos, used by the exercise form and the admin."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .validators import check_picture, check_video


class PictureField(forms.ImageField):
    """A JPEG, PNG, WebP or GIF of at most 5 MB, checked by its content (Pillow)."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def to_python(self, data):
        if data:
            check_picture(data)  # size first, before Django's own ImageField reads it
        return super().to_python(data)


class VideoField(forms.FileField):
    """An MP4 or WebM of at most EXERCISE_VIDEO_MAX_BYTES, recognised by its first bytes."""

    widget = forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"})

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = _(
                "MP4 or WebM, at most %(max)s. It plays muted and looped, with controls."
            ) % {"max": filesizeformat(settings.EXERCISE_VIDEO_MAX_BYTES)}

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            check_video(upload)
        return upload
