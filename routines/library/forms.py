"""The library's forms: filtering it, and a clinic's own exercise with its picture and video."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic
from routines.languages import clinic_language, column, columns, content_languages, language_name
from routines.library.selectors import BUILTIN, OWN
from routines.library.services import REQUIRED_IN_CLINIC_LANGUAGE, TRANSLATED_FIELDS
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


# How many lines each long text's box shows.
TEXT_ROWS = {"instructions": 4, "cues": 3, "cautions": 3}


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
        # The texts come in every language (added in __init__, the clinic's language first).
        fields = [
            "body_region",
            "kind",
            "default_hold_seconds",
            "default_repetitions",
            "default_sets",
            "default_sides",
            "image",
            "video",
            "video_poster",
            "video_url",
        ]

    def __init__(self, *args, clinic: Clinic, **kwargs):
        self.clinic = clinic
        super().__init__(*args, **kwargs)
        self.language = clinic_language(clinic)
        self.languages = [
            self.language,
            *(code for code in content_languages() if code != self.language),
        ]
        texts = {}
        for field in TRANSLATED_FIELDS:
            model_field = Exercise._meta.get_field(field)
            for code in self.languages:
                name = column(field, code)
                required = code == self.language and field in REQUIRED_IN_CLINIC_LANGUAGE
                texts[name] = self._text_field(model_field, code, required)
                texts[name].initial = getattr(self.instance, name) or ""
        # The texts first, as the page always showed the name first.
        self.fields = {**texts, **self.fields}

    @staticmethod
    def _text_field(model_field, code: str, required: bool) -> forms.CharField:
        """One language's box for a text: "Name — English", "Name — Français (Canada)"."""
        widget = (
            forms.Textarea(attrs={"rows": TEXT_ROWS[model_field.name]})
            if (model_field.name in TEXT_ROWS)
            else None
        )
        field = forms.CharField(
            label=_("%(field)s — %(language)s")
            % {"field": capfirst(model_field.verbose_name), "language": language_name(code)},
            required=required,
            max_length=model_field.max_length,
            validators=model_field.validators,
            help_text=model_field.help_text,
            **({"widget": widget} if widget else {}),
        )
        field.widget.attrs["lang"] = code
        return field

    def clean(self):
        cleaned = super().clean()
        video, poster = cleaned.get("video"), cleaned.get("video_poster")
        if poster and not video:
            self.add_error("video_poster", _("A poster goes with a video: add the video too."))
        return cleaned

    def _clean_name(self, name_column: str) -> str:
        """A name is unique in the clinic's library in its language, in any case."""
        name = self.cleaned_data[name_column].strip()
        if not name:
            return name
        taken = Exercise.objects.filter(clinic=self.clinic, **{f"{name_column}__iexact": name})
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("Your library already has an exercise with this name."))
        return name

    def _post_clean(self):
        # The texts are not model fields of this form: the service sets and checks them.
        for name in columns("name"):
            if name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = self._clean_name(name)
                except ValidationError as error:
                    self.add_error(name, error)
        super()._post_clean()
