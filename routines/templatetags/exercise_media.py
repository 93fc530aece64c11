"""{% exercise_media exercise variant %}: what shows an exercise, wherever it appears.

A built-in stretch shows its drawing ({% exercise_illustration %}); a clinic's own exercise
its video (muted, looping, with controls, never playing by itself) or its picture. Variants:
"detail" (the library page), "small" (the builder's preview), "still" (the printed handout:
never a video, a still picture instead) and "thumb" (lists: a small decorative picture next to
the name). Every URL is the permission-checked /media/ view (routines.media.views).
"""

from django import template

from routines.media.illustrations import illustration_for
from routines.media.names import content_type_for

register = template.Library()

ILLUSTRATION_VARIANTS = {"detail": "motion", "small": "motion", "still": "still", "thumb": "thumb"}


def _url(field_file) -> str:
    return field_file.url if field_file else ""


@register.inclusion_tag("routines/_exercise_media.html")
def exercise_media(exercise, variant: str = "detail") -> dict:
    if variant not in ILLUSTRATION_VARIANTS:
        raise template.TemplateSyntaxError(f"exercise_media: unknown variant {variant!r}")
    context = {"exercise": exercise, "variant": variant}
    if illustration_for(exercise) is not None:
        context["illustration_variant"] = ILLUSTRATION_VARIANTS[variant]
        return context
    picture = _url(exercise.image)
    poster = _url(exercise.video_poster) or picture
    if exercise.video and variant in ("detail", "small"):
        context["video"] = _url(exercise.video)
        context["video_type"] = content_type_for(exercise.video.name)
        context["poster"] = poster
    else:
        # A still: the picture, or the video's poster when there is no picture.
        context["picture"] = picture or poster
    return context
