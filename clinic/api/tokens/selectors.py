from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from clinic.api.tokens.models import ApiToken


def api_tokens_of_user(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """A user's own keys, revoked ones included, newest first."""
    return ApiToken.objects.filter(user=user)
