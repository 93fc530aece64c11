"""The roster's forms: a patient's details, the roster's filters, accepting an invitation."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from patients.models import Patient


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
