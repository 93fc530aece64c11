import datetime

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clinic.validators import validate_date_in_range, validate_text
from routines.models import RoutineStep

from .models import PAIN_MAX, SESSIONS_PER_DAY_MAX, Completion, Patient, Session
from .services import STEP_NOT_IN_ROUTINE

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


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.user)


class PatientForm(forms.ModelForm):
    physiotherapist = StaffChoiceField(
        label=_("Physiotherapist"), queryset=None, required=False, empty_label=_("Nobody yet")
    )

    class Meta:
        model = Patient
        fields = ["first_name", "last_name", "email", "physiotherapist"]

    def __init__(self, *args, staff: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["physiotherapist"].queryset = staff


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    physiotherapist = StaffChoiceField(
        label=_("Physiotherapist"), queryset=None, required=False, empty_label=_("Anyone")
    )
    needs_attention = forms.BooleanField(label=_("Needs attention"), required=False)
    archived = forms.BooleanField(label=_("Archived patients"), required=False)

    def __init__(self, *args, staff: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["physiotherapist"].queryset = staff


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


class InviteAcceptForm(forms.Form):
    PASSWORD = "password"
    DEVICE = "device"

    mode = forms.ChoiceField(
        label=_("How do you want to sign in?"),
        choices=[
            (PASSWORD, _("With a username and password, on any device")),
            (DEVICE, _("Stay signed in on this device, without a password")),
        ],
        initial=PASSWORD,
        widget=forms.RadioSelect,
    )
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        self.patient = patient
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("mode") != self.PASSWORD:
            return data
        username = data.get("username", "").strip()
        password1, password2 = data.get("password1"), data.get("password2")
        user_model = get_user_model()
        if not username:
            self.add_error("username", _("Choose a username."))
        else:
            taken = user_model.objects.filter(username__iexact=username)
            if self.patient.user_id:
                taken = taken.exclude(id=self.patient.user_id)
            if taken.exists():
                self.add_error("username", _("This username is taken; choose another."))
            try:
                user_model.username_validator(username)
            except ValidationError as error:
                self.add_error("username", error)
        if not password1:
            self.add_error("password1", _("Choose a password."))
        elif password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        else:
            probe = user_model(
                username=username,
                first_name=self.patient.first_name,
                last_name=self.patient.last_name,
                email=self.patient.email,
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        data["username"] = username
        return data


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
        step = (
            RoutineStep.objects.select_related("exercise")
            .filter(id=self.cleaned_data["step"])
            .first()
        )
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
