from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Cadence, Field, Mode, ProgressionRule


class ProgressionRuleForm(forms.ModelForm):
    """A step's rule in the builder; `frozen` is a tick box over the model's frozen_on."""

    frozen = forms.BooleanField(
        label=_("Frozen"),
        required=False,
        help_text=_("Hold the value as it is now, whatever the rule says."),
    )

    class Meta:
        model = ProgressionRule
        fields = [
            "field",
            "mode",
            "amount",
            "cadence",
            "every",
            "ceiling",
            "step_back_after_pain",
            "manual_value",
        ]
        widgets = {
            "field": forms.Select(choices=Field.choices),
            "mode": forms.Select(choices=Mode.choices),
            "cadence": forms.Select(choices=Cadence.choices),
        }
