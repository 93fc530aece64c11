"""When a plan runs, as staff set it: the schedule form and the assign form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clinic.validators import validate_date_in_range
from patients.models import SESSIONS_PER_DAY_MAX

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


WEEKS_MAX = 104


class ScheduleForm(forms.Form):
    """When a plan runs: start, an end date or a number of weeks, days, sessions per day."""

    starts_on = forms.DateField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
    )
    ends_on = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep it running, or give a number of weeks instead."),
        validators=[validate_date_in_range],
    )
    weeks = forms.IntegerField(
        label=_("Or number of weeks"), required=False, min_value=1, max_value=WEEKS_MAX
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    sessions_per_day = forms.IntegerField(
        label=_("Sessions per day"), min_value=1, max_value=SESSIONS_PER_DAY_MAX, initial=1
    )

    def clean(self):
        data = super().clean()
        starts_on, ends_on, weeks = data.get("starts_on"), data.get("ends_on"), data.get("weeks")
        if ends_on and weeks:
            raise ValidationError(_("Give an end date or a number of weeks, not both."))
        if starts_on and weeks:
            data["ends_on"] = starts_on + datetime.timedelta(weeks=weeks, days=-1)
            try:
                validate_date_in_range(data["ends_on"])
            except ValidationError as error:
                self.add_error("weeks", error)
                return data
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data

    def schedule(self) -> dict:
        """The cleaned schedule as `assignment_create` / `assignment_schedule` take it."""
        data = self.cleaned_data
        return {
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "weekdays": sum(1 << day for day in data["weekdays"]),
            "sessions_per_day": data["sessions_per_day"],
        }

    @staticmethod
    def initial_for(assignment) -> dict:
        return {
            "starts_on": assignment.starts_on,
            "ends_on": assignment.ends_on,
            "weekdays": [day for day in range(7) if assignment.runs_on_weekday(day)],
            "sessions_per_day": assignment.sessions_per_day,
        }


class AssignForm(ScheduleForm):
    """Assign from the patient's page (choose a routine) or from a routine (choose a patient)."""

    routine = forms.ModelChoiceField(label=_("Routine"), queryset=None)
    patient = forms.ModelChoiceField(label=_("Patient"), queryset=None)
    field_order = ["routine", "patient"]

    def __init__(self, *args, routines=None, patients=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (("routine", routines), ("patient", patients)):
            if queryset is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = queryset
