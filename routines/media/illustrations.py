"""Limber's own drawings of the built-in stretches, and how a page finds the one for an exercise.

Each drawing is one SVG under static/limber/exercises/<slug>.svg holding two groups, #start and
#end (plus #floor), in one 240 x 160 frame. The file on its own shows both positions side by
side with an arrow between them: that is the still picture for reduced motion, thumbnails and
the printed handout. Pages that animate place the two groups over each other with <use> and let
limber/illustrations.css fade between them, so no style or script lives in the page (the CSP
allows neither inline).

Built-in exercises have no slug field; they are matched by the slug of their name, which the
data migration fixes. An operator who renames a built-in loses its drawing rather than showing
the wrong one.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

FRAME_WIDTH = 240
FRAME_HEIGHT = 160
PAIR_WIDTH = 520


@dataclass(frozen=True)
class Illustration:
    slug: str
    alt: str | Promise

    @property
    def path(self) -> str:
        """The static path, for {% static %}."""
        return f"limber/exercises/{self.slug}.svg"


ILLUSTRATIONS = {
    illustration.slug: illustration
    for illustration in (
        Illustration(
            "supine-lumbar-rotation",
            _(
                "Lying on the back with knees bent and arms out to the sides, both knees sink "
                "slowly to one side while the head turns the other way. The stretch is felt in "
                "the lower back and the side of the hip."
            ),
        ),
        Illustration(
            "knees-to-chest",
            _(
                "Lying on the back with knees bent and feet on the floor, both knees are drawn "
                "up towards the chest with the hands around the shins. The stretch is felt in "
                "the lower back."
            ),
        ),
        Illustration(
            "childs-pose",
            _(
                "Kneeling and sitting back on the heels, the body folds forward onto the "
                "thighs, the head comes down to the floor and the arms reach forward along the "
                "floor. The stretch is felt along the back."
            ),
        ),
        Illustration(
            "standing-forward-bend",
            _(
                "From standing, the body bends forward from the hips with soft knees until the "
                "hands rest on the floor. The stretch is felt in the back of the thighs and the "
                "lower back."
            ),
        ),
    )
}


def illustration_for(exercise) -> Illustration | None:
    """The drawing of a built-in exercise, or None (a clinic's own exercise has its picture)."""
    if exercise.clinic_id is not None:
        return None
    return ILLUSTRATIONS.get(slugify(exercise.name))
