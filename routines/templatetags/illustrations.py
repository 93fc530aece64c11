"""{% exercise_illustration exercise %}: the drawing of a built-in stretch, or nothing."""

from django import template

from routines.media.illustrations import FRAME_HEIGHT, FRAME_WIDTH, PAIR_WIDTH, illustration_for

register = template.Library()

VARIANTS = ("motion", "still", "thumb")


@register.inclusion_tag("routines/_illustration.html")
def exercise_illustration(exercise, variant: str = "motion", alt=None) -> dict:
    """variant: "motion" fades start into end (a still pair with reduced motion and in print),
    "still" is the side-by-side pair only (the handout), "thumb" the end position only
    (lists). alt replaces the description of the movement; alt="" marks a thumbnail as
    decorative where the exercise's name sits next to it."""
    if variant not in VARIANTS:
        raise template.TemplateSyntaxError(f"exercise_illustration: unknown variant {variant!r}")
    illustration = illustration_for(exercise)
    return {
        "illustration": illustration,
        "alt": illustration.alt if illustration is not None and alt is None else alt,
        "variant": variant,
        "frame_width": FRAME_WIDTH,
        "frame_height": FRAME_HEIGHT,
        "pair_width": PAIR_WIDTH,
    }
