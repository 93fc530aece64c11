"""Sign-in: lockouts, how long a sign-in lasts, and signing a user out everywhere.

Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request and after
STAFF_SESSION_MAX_SECONDS in all (enforced by clinic.accounts.middleware.SessionPolicyMiddleware).
A patient's session lasts until the browser closes, or PATIENT_REMEMBER_SECONDS when they
tick "keep me signed in" on their own device.
"""

import time

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django import forms
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from clinic.access import staff_member
from clinic.models import User

SIGNED_IN_AT = "limber_signed_in_at"
LAST_SEEN_AT = "limber_last_seen_at"
# Whether the signed-in user is staff, decided at sign-in, so no request pays a query for it.
IS_STAFF = "limber_is_staff"


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request.

    Sign-ins without a request (management commands, the test client's login()) never
    come from the network, so there is no address to lock out and they pass through.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        from .twofactor.lockout import code_failures

        if username and code_failures(request, username) >= settings.AXES_FAILURE_LIMIT:
            # Too many wrong codes at the second step lock the password step too, even
            # though django-axes forgot them when the password last succeeded.
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("Locked out after wrong sign-in codes.")
        return super().authenticate(request, username=username, password=password, **kwargs)


class RoleBackend(ModelBackend):
    """Django's username-and-password sign-in. A signed-in request's user arrives with their
    role, the staff membership or the patient record, each with its clinic, in the same
    query: nearly every page needs one of them, and a query more per request is the price
    of a page (clinic/benchmark/notes.md)."""

    def get_user(self, user_id):
        users = User._default_manager.select_related("staff__clinic", "patient__clinic")
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def is_staff_user(user: AbstractBaseUser) -> bool:
    return user.is_superuser or user.is_staff or staff_member(user) is not None


@receiver(user_logged_in)
def start_session_clock(sender, request: HttpRequest, user: AbstractBaseUser, **kwargs) -> None:
    """Note when the sign-in happened; staff get the short idle expiry from the start."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session[IS_STAFF] = is_staff_user(user)
    _start_second_step(request, user)
    if request.session[IS_STAFF]:
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    else:
        request.session.set_expiry(0)


def _start_second_step(request: HttpRequest, user: AbstractBaseUser) -> None:
    """A staff member with an authenticator owes a code before anything else (the
    TwoFactorMiddleware holds them to it); a password alone never counts as verified."""
    from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

    from .twofactor.state import PENDING

    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if request.session[IS_STAFF] and user_has_device(user):
        request.session[PENDING] = True
    else:
        request.session.pop(PENDING, None)


class SignInForm(AuthenticationForm):
    remember = forms.BooleanField(
        label=_("Keep me signed in on this device"),
        required=False,
        help_text=_(
            "Only on your own phone or computer. Staff are always signed out after a while."
        ),
    )


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("remember") and not is_staff_user(form.get_user()):
            self.request.session.set_expiry(settings.PATIENT_REMEMBER_SECONDS)
        return response


def user_sign_out_everywhere(*, user: AbstractBaseUser) -> None:
    """End every session of `user` on every device at their next request."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
