"""The session player's forms without JavaScript: one Done or Skip, and the finish."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic.validators import validate_text
from patients.models import PAIN_MAX, Completion, Session
from patients.sessions.selectors import step_with_exercise
from patients.sessions.services import STEP_NOT_IN_ROUTINE
from routines.models import RoutineStep

PAIN_MESSAGE = _("Choose a pain score from 0 to 10.")


class CompletionForm(forms.Form):
    """One side of one set, done or skipped: the no-JavaScript Done and Skip buttons."""

    client_id = forms.UUIDField()
    step = forms.IntegerField()
    set_number = forms.IntegerField(min_value=1)
    side = forms.ChoiceField(choices=Completion.Side.choices)
    status = forms.ChoiceField(choices=Completion.Status.choices)
    skip_reason = forms.ChoiceField(
        choices=[("", "")] + Completion.SkipReason.choices, required=False
    )

    def clean_step(self) -> RoutineStep:
        step = step_with_exercise(self.cleaned_data["step"])
        if step is None:
            raise forms.ValidationError(STEP_NOT_IN_ROUTINE)
        return step


class FinishForm(forms.Form):
    """The end of a session: pain, how hard it felt and a note."""

    pain = forms.IntegerField(
        min_value=0,
        max_value=PAIN_MAX,
        error_messages={
            "required": PAIN_MESSAGE,
            "invalid": PAIN_MESSAGE,
            "min_value": PAIN_MESSAGE,
            "max_value": PAIN_MESSAGE,
        },
    )
    effort = forms.ChoiceField(choices=[("", "")] + Session.Effort.choices, required=False)
    note = forms.CharField(required=False, max_length=2000, validators=[validate_text])
