"""Self-service password reset, on Django's own views and tokens.

- The same answer whether or not the address belongs to an account, and the same
  pages for staff and patients.
- The link lasts PASSWORD_RESET_TIMEOUT (one hour) and works once: Django's token is
  made from the password hash, which the reset changes.
- Only active accounts with a password get a link (Django's form), and a link sent
  before an account was deactivated stops working (the confirm view below).
- Requests are limited per address asked for and per client address (429 with
  Retry-After), counted in the shared cache.
- Each request writes an audit row ("create" on the page password_reset: a link was
  made, or None for the user when no account matched) and each reset another ("change"
  on password_reset_confirm), without the address itself.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clinic.audit.trail import audit_record
from clinic.languages.resolve import user_language
from clinic.middleware import client_ip
from clinic.models import AuditEvent, User

_WINDOW_SECONDS = 60 * 60


class LimberPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str):
        """Active accounts with a password whose sign-in or patient record has `email`.

        A patient's address is often on their record only (the clinic typed it in), so
        both are asked; the link is sent to the address typed, which matched.
        """
        users = User._default_manager.filter(
            Q(email__iexact=email) | Q(patient__email__iexact=email), is_active=True
        ).distinct()
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Django would send to the sign-in's address; a patient's may be on their record.
        # In the account's language, whoever asked from whichever browser (subject too).
        with translation.override(user_language(context["user"])):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                self.cleaned_data["email"],
                html_email_template_name,
            )


def _over_limit(key: str, limit: int) -> bool:
    """Count one request under `key` in a fixed one-hour window; True past `limit`."""
    if cache.add(key, 1, timeout=_WINDOW_SECONDS):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=_WINDOW_SECONDS)
        return False


def _rate_limited(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "registration/password_reset_limited.html",
        {"minutes": _WINDOW_SECONDS // 60},
        status=429,
    )
    response["Retry-After"] = str(_WINDOW_SECONDS)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LimberPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: LimberPasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        ip = client_ip(self.request) or "unknown"
        # Both counts move on every request, so neither reveals anything about the other.
        by_ip = _over_limit(f"limber:reset:ip:{ip}", settings.PASSWORD_RESET_PER_IP)
        by_email = _over_limit(f"limber:reset:email:{email}", settings.PASSWORD_RESET_PER_EMAIL)
        if by_ip or by_email:
            return _rate_limited(self.request)
        users = list(form.get_users(email))
        for user in users or [None]:
            audit_record(self.request, patient=None, action=AuditEvent.Action.CREATE, user=user)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(self.request, patient=None, action=AuditEvent.Action.CHANGE, user=form.user)
        return response
