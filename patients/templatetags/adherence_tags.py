"""The staff pages' adherence figure. It is drawn in Python, not included as a template:
the staff home page's table shows two in each of its hundred rows, and an include for
each cost a fifth of the table's time."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from patients.review.adherence import Adherence

register = template.Library()


@register.simple_tag
def adherence_figure(adherence: Adherence) -> str:
    """The figure as 83 % (5 of 6), or a dash read out as "nothing scheduled"."""
    percent = adherence.percent
    if percent is None:
        nothing = _("nothing scheduled")
        return format_html(
            '<span title="{}">—</span><span class="visually-hidden">{}</span>', nothing, nothing
        )
    done_of_due = _("%(done)s of %(due)s") % {
        "done": adherence.completed,
        "due": adherence.scheduled,
    }
    return format_html('{} % <span class="muted">({})</span>', percent, done_of_due)
