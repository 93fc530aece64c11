"""The staff pages' adherence figure and the staff home page's table rows. They are drawn
in Python, not in templates: the table shows a hundred rows of seven cells, and the
template language spent about a quarter of the page's time on them."""

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clinic import dates
from patients.review.adherence import Adherence, PatientOverview

register = template.Library()

FLAGGED = mark_safe(' class="flagged"')


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
    return format_html(
        '<span class="figure">{}\u00a0% <span class="muted">({})</span></span>',
        percent,
        done_of_due,
    )


@register.simple_tag
def patient_rows(rows: Iterable[PatientOverview]) -> SafeString:
    """The staff home table's body: a row per patient, flagged when they need attention,
    or one row saying there is nobody. Rows share most of their dates and figures, so
    each is drawn once."""
    drawn = _Drawn()
    body = format_html_join("\n", "{}", ((_patient_row(row, drawn),) for row in rows))
    return body or format_html('<tr><td colspan="7">{}</td></tr>', _("No patients yet."))


class _Drawn(dict):
    """Cells already drawn for this table, by what they show."""

    def cell(self, draw, value):
        key = (draw, value)
        if key not in self:
            self[key] = draw(value)
        return self[key]


def _last_session(day) -> SafeString:
    if day is None:
        return _("never")
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), dates.short_date(day))


def _pain(latest_and_trend: tuple) -> SafeString:
    latest, trend = latest_and_trend
    if latest is None:
        return "—"
    if trend == "rising":
        return format_html('{}/10 <span class="trend">{}</span>', latest, _("rising"))
    return f"{latest}/10"


def _streak(days: int) -> str:
    return ngettext("%(days)s day", "%(days)s days", days) % {"days": days}


def _patient_row(row: PatientOverview, drawn: _Drawn) -> SafeString:
    flagged = row.needs_attention
    return format_html(
        '<tr{}><th scope="row"><a href="{}">{}</a>{}</th><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td></tr>",
        FLAGGED if flagged else "",
        row.progress_url,
        row.patient,
        drawn.cell(_badge, None) if flagged else "",
        row.patient.physiotherapist or "—",
        drawn.cell(adherence_figure, row.week),
        drawn.cell(adherence_figure, row.month),
        drawn.cell(_last_session, row.last_session_on),
        drawn.cell(_streak, row.streak),
        drawn.cell(_pain, (row.latest_pain, row.pain_trend)),
    )


def _badge(_nothing) -> SafeString:
    return format_html(' <span class="badge">{}</span>', _("needs attention"))
