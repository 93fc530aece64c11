"""The signed-in user and their role, kept in Django's cache between requests.

Every signed-in request needs the user with their staff membership or patient record, each
with its clinic (clinic.accounts.signin.RoleBackend): a query with four joins, about 0.9 ms
of a request on PostgreSQL (issue 21). Here that bundle is cached per user, and forgotten
the moment anything in it changes, so nothing a sign-in depends on lags behind:

- Django still compares the session's hash with the cached user's password and
  `session_version` on every request: signing out everywhere (which raises the version),
  a new password or a deactivated account are read fresh at the next request because the
  change forgets the bundle;
- saving or deleting a User, StaffMember, Patient (archived, restored) or an authenticator
  forgets its user, saving a Clinic (time zone, two-step rule) forgets all of its people;
  the few writes that bypass signals (`QuerySet.update`) call `forget_users` themselves.

A bundle is stored beside a per-user token and is only used while its token is the current
one; forgetting a user deletes the token. That makes forgetting race-free: a request that
loaded the user just before a change can store its copy, but never under the token that
readers look for afterwards. Forgetting happens at once and again when the transaction
commits, so a request in between cannot cache what was about to change.

Only with a cache every process shares (Redis), or a single process (`make run`, the test
suite): another process's local memory would never hear of a change (SIGNED_IN_CACHE in
clinic/settings.py; docs/deploy.md).
"""

import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from clinic.models import Clinic, StaffMember, User

_PREFIX = "signed-in"


def _bundle_key(user_id) -> str:
    return f"{_PREFIX}:user:{user_id}"


def _token_key(user_id) -> str:
    return f"{_PREFIX}:token:{user_id}"


def cached_user(user_id, load: Callable[[], User | None]) -> User | None:
    """The user `user_id` with their role from the cache, else `load()`ed and cached.

    Two keys in one round trip: the user's current token and the bundle with the token it
    was stored under."""
    if not settings.SIGNED_IN_CACHE:
        return load()
    token_key, bundle_key = _token_key(user_id), _bundle_key(user_id)
    found = cache.get_many([token_key, bundle_key])
    token, bundle = found.get(token_key), found.get(bundle_key)
    if token is not None and bundle is not None and bundle[0] == token:
        return bundle[1]
    if token is None:
        # The token is taken before the user is read: see the module's docstring.
        cache.add(token_key, uuid.uuid4().hex, settings.SIGNED_IN_CACHE_SECONDS)
        token = cache.get(token_key)
    user = load()
    if user is not None and token is not None:
        cache.set(bundle_key, (token, user), settings.SIGNED_IN_CACHE_SECONDS)
    return user


def signed_in_user(user_id) -> User | None:
    """The user `user_id` with their staff membership or patient record, each with its
    clinic: from the cache, else in one query (and cached)."""

    def load() -> User | None:
        users = User._default_manager.select_related("staff__clinic", "patient__clinic")
        return users.filter(pk=user_id).first()

    return cached_user(user_id, load)


def forget_users(user_ids: Iterable) -> None:
    """Make the next request of each user read them from the database: now, and again once
    the current transaction commits (a request in between may have cached the old rows)."""
    keys = [_token_key(user_id) for user_id in user_ids if user_id is not None]
    if not keys or not settings.SIGNED_IN_CACHE:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_clinic(clinic_id) -> None:
    """Every staff member and patient of a clinic: the clinic comes with each of them."""
    if clinic_id is None or not settings.SIGNED_IN_CACHE:
        return
    forget_users(
        User.objects.filter(Q(staff__clinic_id=clinic_id) | Q(patient__clinic_id=clinic_id))
        .values_list("id", flat=True)
        .distinct()
    )


def _forget_user(sender, instance, **kwargs) -> None:
    forget_users([instance.pk])


def _forget_owner(sender, instance, **kwargs) -> None:
    forget_users([instance.user_id])


def _forget_previous_owner(sender, instance, update_fields=None, **kwargs) -> None:
    """A staff membership or patient record moved to another sign-in (or none): the user it
    leaves must lose it at once too. One look-up, only when the link may have changed."""
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and "user" not in update_fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("user_id", flat=True)
    previous = stored.first()
    if previous is not None and previous != instance.user_id:
        forget_users([previous])


def _forget_clinic(sender, instance, **kwargs) -> None:
    forget_clinic(instance.pk)


def connect() -> None:
    """Forget a user whenever a row their sign-in is made of is saved or deleted. The
    patient record is named by its label: the clinic package imports nothing of patients."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    receivers = [
        (User, _forget_user),
        (StaffMember, _forget_owner),
        ("patients.Patient", _forget_owner),
        (TOTPDevice, _forget_owner),
        (StaticDevice, _forget_owner),
        (Clinic, _forget_clinic),
    ]
    for sender, receiver in receivers:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(receiver, sender=sender, dispatch_uid=f"{_PREFIX}:{sender}:{name}")
    for sender in (StaffMember, "patients.Patient"):
        pre_save.connect(
            _forget_previous_owner, sender=sender, dispatch_uid=f"{_PREFIX}:{sender}:relink"
        )
