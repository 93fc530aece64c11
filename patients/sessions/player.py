"""The order a session walks through: each side of each set of each step, one at a time.

A completion is recorded per (step, set, side): that triple is a "unit" here, and a session
resumes at its first unit without a completion.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Completion
from routines.models import RoutineStep, Sides

SIDE_LABELS = {
    "both": Completion.Side.BOTH.label,
    "left": Completion.Side.LEFT.label,
    "right": Completion.Side.RIGHT.label,
}


@dataclass(frozen=True)
class Unit:
    step: RoutineStep
    step_number: int
    set_number: int
    side: str

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.step.id, self.set_number, self.side)

    @property
    def side_label(self) -> str:
        return str(SIDE_LABELS[self.side])


def session_units(steps: list[RoutineStep]) -> list[Unit]:
    """Every (step, set, side) of the routine, in the order the patient does them."""
    return [
        Unit(step=step, step_number=number, set_number=set_number, side=side)
        for number, step in enumerate(steps, start=1)
        for set_number in range(1, step.sets + 1)
        for side in step.side_names
    ]


def first_open_unit(units: list[Unit], done: set[tuple[int, int, str]]) -> Unit | None:
    """Where a session resumes: the first unit not yet done or skipped, None when all are."""
    return next((unit for unit in units if unit.key not in done), None)


def prescription_in_words(step: RoutineStep) -> str:
    """ "Hold 20 s · each side · 2 times · 3 sets", as the physiotherapist would say it."""
    parts = [_("Hold %(seconds)d s") % {"seconds": step.hold_seconds}]
    if step.sides == Sides.EACH:
        parts.append(_("each side"))
    if step.repetitions > 1:
        parts.append(
            ngettext("%(n)d time", "%(n)d times", step.repetitions) % {"n": step.repetitions}
        )
    if step.sets > 1:
        parts.append(ngettext("%(n)d set", "%(n)d sets", step.sets) % {"n": step.sets})
    if step.rest_seconds and (step.sets > 1 or step.sides == Sides.EACH):
        parts.append(_("rest %(seconds)d s") % {"seconds": step.rest_seconds})
    return " · ".join(parts)


def step_content_key(step: RoutineStep) -> str:
    """A digest of all the player shows of a step apart from the session's progress: the key
    of its cached fragments, so an edit to the step or its exercise makes a new key rather
    than a stale page, and every patient whose plan has the same step shares one entry."""
    exercise = step.exercise
    shown = (
        exercise.name,
        exercise.image.name if exercise.image else "",
        exercise.instructions,
        exercise.cues,
        exercise.cautions,
        step.note,
        step.hold_seconds,
        step.repetitions,
        step.sets,
        step.sides,
        step.rest_seconds,
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
