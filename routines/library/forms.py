"""The library's forms: filtering it, and a clinic's own exercise with its picture and video."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic
from routines.library.selectors import BUILTIN, OWN
from routines.media.forms import PictureField, VideoField
from routines.models import HOLD_SECONDS_MAX, REPETITIONS_MAX, SETS_MAX, BodyRegion, Exercise


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


def count_field(label, low: int, high: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kwargs)


class ExerciseForm(forms.ModelForm):
    default_hold_seconds = count_field(_("Default hold (seconds)"), 1, HOLD_SECONDS_MAX)
    default_repetitions = count_field(_("Default repetitions"), 1, REPETITIONS_MAX)
    default_sets = count_field(_("Default sets"), 1, SETS_MAX)
    image = PictureField(
        label=_("Picture"), required=False, help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB.")
    )
    video = VideoField(label=_("Video"), required=False)
    video_poster = PictureField(
        label=_("Video poster"),
        required=False,
        help_text=_(
            "The still shown before the video plays: JPEG, PNG, WebP or GIF, at most 5 MB. "
            "Without one, the picture above is used."
        ),
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
            "video",
            "video_poster",
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

    def clean(self):
        cleaned = super().clean()
        video, poster = cleaned.get("video"), cleaned.get("video_poster")
        if poster and not video:
            self.add_error("video_poster", _("A poster goes with a video: add the video too."))
        return cleaned

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Exercise.objects.filter(clinic=self.clinic, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Your library already has an exercise with this name."))
        return name
