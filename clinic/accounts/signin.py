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
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db.models import F
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from clinic.access import staff_member
from clinic.models import User
from clinic.signed_in import forget_users, signed_in_user

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
    of a page (clinic/benchmark/notes.md). Between requests that bundle is cached
    (clinic.signed_in), so a signed-in request usually reads no user at all."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """A username or an email address, in any case (issue 14): staff and patients are
        told their username once, and remember their address better."""
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_sign_in(username)
        if user is None:
            # As slow as a real check, so a wrong name is not told apart by its timing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def user_for_sign_in(entered: str) -> User | None:
    """The one account a sign-in name means: the username as typed, else the username in
    any case, else the email address in any case; None when none or several match (two
    people sharing an address then sign in with their usernames)."""
    entered = entered.strip()
    if not entered:
        return None
    users = User._default_manager
    exact = users.filter(username=entered).first()
    if exact is not None:
        return exact
    for lookup in ("username__iexact", "email__iexact"):
        matches = list(users.filter(**{lookup: entered})[:2])
        if len(matches) == 1:
            return matches[0]
        if matches:
            return None
    return None


def axes_username(request, credentials) -> str:
    """What django-axes counts failures against: the account the entered name means, so
    "Nina", "NINA" and nina@example.org share one count (each spelling would otherwise
    get its own five tries); a name that means no account counts as typed, lower-cased."""
    if credentials:
        entered = credentials.get("username") or ""
    else:
        entered = getattr(request, "POST", {}).get("username", "") if request else ""
    user = user_for_sign_in(entered) if entered else None
    return user.get_username().lower() if user is not None else entered.strip().lower()


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

    def get_initial(self) -> dict:
        """`?username=` fills in the username: the QR code on a patient's handout leads here."""
        initial = super().get_initial()
        username = self.request.GET.get("username", "").strip()
        if username and len(username) <= 150:
            initial["username"] = username
        return initial

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("remember") and not is_staff_user(form.get_user()):
            self.request.session.set_expiry(settings.PATIENT_REMEMBER_SECONDS)
        return response


def user_sign_out_everywhere(*, user: AbstractBaseUser) -> None:
    """End every session of `user` on every device at their next request."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    # An update sends no signal: the cached user (with the old version) is forgotten here.
    forget_users([user.pk])


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" on the warning two minutes before the idle sign-out (limber/idle.js).

    SessionPolicyMiddleware has already run: a session past its idle or absolute limit is
    signed out before this view, so the answer is the sign-in redirect, never a revival.
    Staff only; anyone else gets 404 (patients have no idle limit)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if staff_member(request.user) is None:
        raise Http404
    request.session[LAST_SEEN_AT] = int(time.time())
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    return JsonResponse({"idle_seconds": settings.STAFF_SESSION_IDLE_SECONDS})
