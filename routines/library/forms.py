"""The library's forms: filtering it, and a clinic's own exercise with its picture."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic
from routines.library.selectors import BUILTIN, OWN
from routines.models import HOLD_SECONDS_MAX, REPETITIONS_MAX, SETS_MAX, BodyRegion, Exercise

IMAGE_MAX_BYTES = 5 * 1024 * 1024


IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ExerciseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    body_region = forms.ChoiceField(
        label=_("Body region"),
        required=False,
        choices=[("", _("Any region")), *BodyRegion.choices],
    )
    source = forms.ChoiceField(
        label=_("Library"),
        required=False,
        choices=[("", _("All")), (BUILTIN, _("Built-in")), (OWN, _("Our clinic's own"))],
    )


class PictureField(forms.ImageField):
    """An image upload checked for size before Pillow reads it, then for its real format."""

    default_error_messages = {
        "too_large": _("The picture is %(size)s; the largest allowed is %(max)s."),
        "format": _("Upload a JPEG, PNG, WebP or GIF picture."),
    }

    def to_python(self, data):
        if data is not None and getattr(data, "size", 0) > IMAGE_MAX_BYTES:
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"size": filesizeformat(data.size), "max": filesizeformat(IMAGE_MAX_BYTES)},
            )
        upload = super().to_python(data)
        image = getattr(upload, "image", None)
        if image is not None and image.format not in IMAGE_FORMATS:
            raise ValidationError(self.error_messages["format"], code="format")
        return upload


def count_field(label, low: int, high: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kwargs)


class ExerciseForm(forms.ModelForm):
    default_hold_seconds = count_field(_("Default hold (seconds)"), 1, HOLD_SECONDS_MAX)
    default_repetitions = count_field(_("Default repetitions"), 1, REPETITIONS_MAX)
    default_sets = count_field(_("Default sets"), 1, SETS_MAX)
    image = PictureField(
        label=_("Picture"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
    )
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    class Meta:
        model = Exercise
        fields = [
            "name",
            "body_region",
            "kind",
            "instructions",
            "cues",
            "cautions",
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "default_sides",
            "image",
            "video_url",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "cues": forms.Textarea(attrs={"rows": 3}),
            "cautions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, clinic: Clinic, **kwargs):
        self.clinic = clinic
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Exercise.objects.filter(clinic=self.clinic, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Your library already has an exercise with this name."))
        return name
