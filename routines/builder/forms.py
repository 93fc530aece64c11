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
    """One step's prescription, edited in place in the builder, in the words a physiotherapist
    uses (docs/patient-session.md, "The timing model")."""

    hold_seconds = count_field(_("Hold (s)"), 1, HOLD_SECONDS_MAX)
    repetitions = count_field(_("Repetitions"), 1, REPETITIONS_MAX)
    rest_between_repetitions_seconds = count_field(
        _("Rest between repetitions (s)"), 0, REST_SECONDS_MAX
    )
    sets = count_field(_("Sets"), 1, SETS_MAX)
    rest_between_sets_seconds = count_field(_("Rest between sets (s)"), 0, REST_SECONDS_MAX)
    sides = forms.ChoiceField(label=_("Sides"), choices=Sides.choices)
    note = forms.CharField(
        label=_("Note for the patient"), required=False, max_length=500, validators=[validate_text]
    )

    @classmethod
    def for_step(cls, step, data=None) -> "StepForm":
        initial = {name: getattr(step, name) for name in cls.base_fields}
        return cls(data, initial=initial, auto_id=f"id_step{step.id}_%s")


class StepRowForm(StepForm):
    """One row of the builder's one form: a saved step (`id`) or a new one (`exercise`),
    its prescription (StepForm's fields, whatever they are) and whether it was removed."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    exercise = forms.IntegerField(widget=forms.HiddenInput)
    remove = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def has_changed(self) -> bool:
        # A new row is a change even with its exercise's defaults untouched.
        return True


StepFormSet = forms.formset_factory(StepRowForm, extra=0, max_num=100, absolute_max=100)
STEPS_PREFIX = "steps"


class AddStepForm(forms.Form):
    exercise = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])
