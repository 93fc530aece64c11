"""A step's timing in words, the same wherever it is shown: the builder, the preview, the
handout, the patient's plan and the player (docs/patient-session.md, "The timing model")."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import RoutineStep, Sides


def prescription_in_words(step: RoutineStep) -> str:
    """ "Hold 20 s · each side · 3 repetitions, rest 5 s between · 2 sets, rest 30 s between".

    A count of one is left out (a single set is not worth saying), and so is a rest that
    never runs: there is no rest between repetitions when there is only one."""
    parts = [_("Hold %(seconds)d s") % {"seconds": step.hold_seconds}]
    if step.sides == Sides.EACH:
        parts.append(_("each side"))
    if step.repetitions > 1:
        words = ngettext("%(n)d repetition", "%(n)d repetitions", step.repetitions) % {
            "n": step.repetitions
        }
        if step.rest_between_repetitions_seconds:
            words = _("%(count)s, rest %(seconds)d s between") % {
                "count": words,
                "seconds": step.rest_between_repetitions_seconds,
            }
        parts.append(words)
    if step.sets > 1:
        words = ngettext("%(n)d set", "%(n)d sets", step.sets) % {"n": step.sets}
        if step.rest_between_sets_seconds:
            words = _("%(count)s, rest %(seconds)d s between") % {
                "count": words,
                "seconds": step.rest_between_sets_seconds,
            }
        parts.append(words)
    return " · ".join(parts)
