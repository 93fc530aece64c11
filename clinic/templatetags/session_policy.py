"""{% staff_idle_seconds %}: how long a staff session may sit idle, for the warning that
comes two minutes before (limber/idle.js, clinic.middleware.SessionPolicyMiddleware)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def staff_idle_seconds() -> int:
    return settings.STAFF_SESSION_IDLE_SECONDS
