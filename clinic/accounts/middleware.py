"""How long a sign-in lasts: staff sessions end after the idle and the absolute limits
(clinic/accounts/signin.py starts the clock at sign-in)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from clinic.accounts.signin import IS_STAFF, LAST_SEEN_AT, SIGNED_IN_AT, is_staff_user

# Sliding the idle expiry writes the session; once a minute is precise enough.
_TOUCH_EVERY_SECONDS = 60


class SessionPolicyMiddleware:
    """Ends staff sessions after the idle limit and after the absolute limit.

    Runs after AuthenticationMiddleware. Patients' sessions are bounded by their cookie
    expiry (browser session, or "keep me signed in") and need nothing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self._is_staff(request):
            self._enforce_staff_limits(request)
        return self.get_response(request)

    @staticmethod
    def _is_staff(request: HttpRequest) -> bool:
        if IS_STAFF not in request.session:
            request.session[IS_STAFF] = is_staff_user(request.user)
        return request.session[IS_STAFF]

    def _enforce_staff_limits(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
        if signed_in_at is None or last_seen_at is None:
            # A session from before the policy (or a forced login): its clock starts now.
            session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            return
        idle = now - last_seen_at > settings.STAFF_SESSION_IDLE_SECONDS
        too_long = now - signed_in_at > settings.STAFF_SESSION_MAX_SECONDS
        if idle or too_long:
            logout(request)
            messages.info(request, _("You were signed out to keep patient data safe."))
            return
        if now - last_seen_at >= _TOUCH_EVERY_SECONDS:
            session[LAST_SEEN_AT] = now
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
