import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from clinic.api.tokens.models import ApiToken

TOKEN_BYTES = 32


def hash_token(raw: str) -> str:
    """Keys are long random strings, so one fast hash is enough (no salt or stretching)."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Make a key for `user`. Returns the row and the key itself, which is never stored."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(user=user, name=name, prefix=raw[:8], token_hash=hash_token(raw))
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a key working at once. The row stays, so the list shows what was revoked when."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
