import zoneinfo

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from .models import Channel
from .services import push_configured

ALL_WEEKDAYS = 0b1111111


def _zone_choices(clinic_zone: str) -> list[tuple[str, str]]:
    default = (
        "",
        _("The clinic's time zone (%(zone)s)") % {"zone": clinic_zone.replace("_", " ")},
    )
    zones = sorted(zoneinfo.available_timezones())
    return [default] + [(zone, zone.replace("_", " ")) for zone in zones if "/" in zone]


class ReminderSettingsForm(forms.Form):
    """The patient's reminder choices. Values are checked again by the service, which is
    what the API calls too."""

    channels = forms.MultipleChoiceField(
        label=_("Remind me by"), required=False, widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=[(day, name) for day, name in WEEKDAYS.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only days your plan has a session get a reminder."),
    )
    times = forms.CharField(
        label=_("At"),
        max_length=60,
        help_text=_("A time like 07:30; several separated by commas (up to 4)."),
    )
    second_nudge_at = forms.TimeField(
        label=_("Remind me again if I haven't done it by"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time of day such as 18:00.")},
    )
    quiet_from = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time of day such as 22:00.")},
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time of day such as 07:00.")},
    )
    timezone = forms.ChoiceField(label=_("My time zone"), required=False)

    def __init__(self, *args, clinic_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (value, label)
            for value, label in Channel.choices
            if value != Channel.PUSH or push_configured()
        ]
        self.fields["timezone"].choices = _zone_choices(clinic_zone)

    def clean_times(self) -> list[str]:
        # Split only; the service says what a valid time is (the API shares the rule).
        return self.cleaned_data["times"].replace(";", ",").split(",")

    def clean_weekdays(self) -> int | None:
        days = self.cleaned_data["weekdays"]
        if not days:
            raise forms.ValidationError(_("Choose at least one day."))
        mask = sum(1 << day for day in set(days))
        return None if mask == ALL_WEEKDAYS else mask

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "channels": data["channels"],
            "times": data["times"],
            "weekdays": data["weekdays"],
            "second_nudge_at": data["second_nudge_at"],
            "quiet_from": data["quiet_from"],
            "quiet_until": data["quiet_until"],
            "timezone_name": data["timezone"],
        }
