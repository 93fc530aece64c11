"""The builder's forms: a routine's name and goal, a step's prescription, adding and moving
steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.validators import validate_text
from routines.library.forms import count_field
from routines.models import (
    HOLD_SECONDS_MAX,
    REPETITIONS_MAX,
    REST_SECONDS_MAX,
    SETS_MAX,
    Routine,
    Sides,
)


class RoutineForm(forms.ModelForm):
    class Meta:
        model = Routine
        fields = ["name", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 2})}


class StepForm(forms.Form):
    """One step's prescription, edited in place in the builder."""

    hold_seconds = count_field(_("Hold (s)"), 1, HOLD_SECONDS_MAX)
    repetitions = count_field(_("Repetitions"), 1, REPETITIONS_MAX)
    sets = count_field(_("Sets"), 1, SETS_MAX)
    sides = forms.ChoiceField(label=_("Sides"), choices=Sides.choices)
    rest_seconds = count_field(_("Rest (s)"), 0, REST_SECONDS_MAX)
    note = forms.CharField(
        label=_("Note for the patient"), required=False, max_length=500, validators=[validate_text]
    )

    @classmethod
    def for_step(cls, step, data=None) -> "StepForm":
        initial = {name: getattr(step, name) for name in cls.base_fields}
        return cls(data, initial=initial, auto_id=f"id_step{step.id}_%s")


class AddStepForm(forms.Form):
    exercise = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
