"""Reads for the library: the exercises a clinic may see."""

from django.db.models import Q, QuerySet

from clinic.models import Clinic
from routines.languages import in_reading_order
from routines.models import Exercise, search_form

BUILTIN = "builtin"


OWN = "own"


def exercises_for_clinic(
    *, clinic: Clinic, q: str = "", body_region: str = "", source: str = ""
) -> QuerySet[Exercise]:
    """Active built-in exercises and the clinic's own, searched and filtered.

    The search matches every word of `q` in the name (either language), body region, kind
    and cues, in any case and with or without accents (Exercise.search_text; on PostgreSQL a
    trigram index serves these "contains" lookups). An empty search lists the whole library,
    in the reader's language's order.
    """
    exercises = Exercise.objects.filter(
        Q(clinic=clinic) | Q(clinic__isnull=True), archived_at__isnull=True
    )
    exercises = exercises_search(exercises, q)
    if body_region:
        exercises = exercises.filter(body_region=body_region)
    if source == BUILTIN:
        exercises = exercises.filter(clinic__isnull=True)
    elif source == OWN:
        exercises = exercises.filter(clinic=clinic)
    return exercises.order_by(in_reading_order("name"), "id")


def exercises_search(exercises: QuerySet[Exercise], q: str) -> QuerySet[Exercise]:
    """The exercises with every word of `q` (ten at most) in their name in either language,
    body region, kind or cues (Exercise.search_text)."""
    for word in search_form(q).split()[:10]:
        exercises = exercises.filter(search_text__contains=word)
    return exercises
