"""{{ step|prescription }}: a step's timing in physiotherapists' words (routines.prescription)."""

from django import template

from routines.prescription import prescription_in_words

register = template.Library()


@register.filter
def prescription(step) -> str:
    return prescription_in_words(step)
