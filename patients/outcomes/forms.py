"""Forms: answering a questionnaire, attaching one to a plan, importing one as FHIR."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import fhir
from .models import Item, Questionnaire, QuestionnaireVersion
from .services import clean_answers

FHIR_UPLOAD_MAX = 512 * 1024


class AnswerForm(forms.Form):
    """One field per item of `version`, named by position ("item_3") so any FHIR link id
    is safe in HTML; `answers()` gives them back by link id. Required-ness and "asked once
    another is answered" are checked by services.clean_answers, and its messages are tied
    to the fields they are about."""

    def __init__(self, *args, version: QuestionnaireVersion, previous=None, **kwargs):
        """`previous`: answers by link id to start from (the activities named last time)."""
        super().__init__(*args, **kwargs)
        self.version = version
        self.items = list(version.items.all())
        self.field_of = {}
        for item in self.items:
            name = f"item_{item.position}"
            self.field_of[item.link_id] = name
            text = item.text
            if item.kind == Item.Kind.SCALE:
                choices = [(str(n), str(n)) for n in range(item.scale_min, item.scale_max + 1)]
                field = forms.ChoiceField(
                    label=text, choices=choices, required=False, widget=forms.RadioSelect
                )
            elif item.kind == Item.Kind.CHOICE:
                choices = [(option.code, option.label) for option in item.options.all()]
                field = forms.ChoiceField(
                    label=text, choices=choices, required=False, widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(label=text, required=False, max_length=200)
            field.item = item
            if previous and item.link_id in previous:
                field.initial = previous[item.link_id]
            field.min_label = item.min_label
            field.max_label = item.max_label
            field.must_answer = item.required and not item.enable_when
            # A rating asked once an activity is named reads "First activity: how well…".
            field.context = next(
                (other.text for other in self.items if other.link_id == item.enable_when),
                "",
            )
            self.fields[name] = field

    def answers(self) -> dict:
        return {
            item.link_id: self.cleaned_data.get(self.field_of[item.link_id])
            for item in self.items
            if self.cleaned_data.get(self.field_of[item.link_id]) not in (None, "")
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        _answers, errors = clean_answers(self.version, self.answers())
        for link_id, message in errors.items():
            self.add_error(self.field_of.get(link_id), message)
        return cleaned

    def rows(self):
        """The bound fields in order, each with its item."""
        return [self[self.field_of[item.link_id]] for item in self.items]


class ScheduleForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.none()
    )
    at_start = forms.BooleanField(label=_("At the start of the plan"), required=False, initial=True)
    every_weeks = forms.IntegerField(
        label=_("Every N weeks"),
        required=False,
        min_value=1,
        max_value=52,
        help_text=_("Leave empty to ask only at the start and the end."),
    )
    at_end = forms.BooleanField(
        label=_("In the last week of the plan"), required=False, initial=True
    )

    def __init__(self, *args, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("at_start") or cleaned.get("at_end") or cleaned.get("every_weeks")):
            raise ValidationError(
                gettext("Ask at the start, at the end or every few weeks: at least one of them.")
            )
        return cleaned


class FhirImportForm(forms.Form):
    """A FHIR Questionnaire as JSON: pasted, or uploaded as a file."""

    resource = forms.CharField(
        label=_("FHIR Questionnaire (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_("Paste the JSON here, or choose a file below."),
    )
    file = forms.FileField(label=_("or a JSON file"), required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("resource") or ""
        if upload is not None:
            if upload.size > FHIR_UPLOAD_MAX:
                raise ValidationError(gettext("The file is too large (at most 512 KB)."))
            text = upload.read()
        if not text:
            raise ValidationError(gettext("Paste a FHIR Questionnaire or choose a file."))
        cleaned["data"] = fhir.loads(text)
        return cleaned
