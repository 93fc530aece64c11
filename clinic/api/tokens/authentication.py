"""`Authorization: Bearer <key>` for integrations; the browser uses its session instead."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from clinic.api.tokens.models import ApiToken
from clinic.api.tokens.services import hash_token
from clinic.signed_in import signed_in_user
from clinic.throttle import API_KEY, throttle_failure, throttle_retry_after

# Writing last_used_at on every request would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        # A client that keeps sending bad keys is refused, good keys included, until the
        # window ends: otherwise it could go on guessing and notice when one works.
        retry_after = throttle_retry_after(scope=API_KEY, request=request)
        if retry_after is not None:
            raise exceptions.Throttled(
                wait=retry_after, detail=str(_("Too many invalid keys from this address."))
            )
        if len(header) != 2:
            throttle_failure(scope=API_KEY, request=request)
            raise exceptions.AuthenticationFailed(_("Send the key as: Authorization: Bearer <key>"))
        try:
            raw = header[1].decode()
        except UnicodeError:
            throttle_failure(scope=API_KEY, request=request)
            raise exceptions.AuthenticationFailed(_("This key is not valid.")) from None
        token = ApiToken.objects.filter(token_hash=hash_token(raw), revoked_at__isnull=True).first()
        # The key is read on every request (a revocation holds at once); its user with their
        # role comes from the cache the browser's sign-in uses (clinic.signed_in).
        user = signed_in_user(token.user_id) if token is not None else None
        if user is None or not user.is_active:
            throttle_failure(scope=API_KEY, request=request)
            raise exceptions.AuthenticationFailed(_("This key is not valid or has been revoked."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(id=token.id).update(last_used_at=now)
        token.user = user
        return user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
