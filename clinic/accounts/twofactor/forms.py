from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("After scanning, your app shows a 6-digit code. Type it here."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class ClinicTwoFactorForm(forms.Form):
    required = forms.BooleanField(
        label=_("Ask every physiotherapist for a code from an authenticator app at sign-in"),
        required=False,
        help_text=_("Clinic admins are always asked."),
    )
