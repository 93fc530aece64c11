from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, StaffMember, User
from clinic.validators import validate_name


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[validate_name])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[validate_name])
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation is sent here."))
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=StaffMember.Role.choices)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."))
        return username


class ClinicContactForm(forms.ModelForm):
    """The clinic's contact details, printed on patients' handouts, and its language."""

    class Meta:
        model = Clinic
        fields = ["address", "phone", "language"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form sent without it (an older page) keeps the clinic's language.
        self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language
