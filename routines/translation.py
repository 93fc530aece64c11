"""Which texts of the library and the routines exist in each language (django-modeltranslation).

Each field named here gets one column per language (name_en, name_fr_ca); `exercise.name`
reads the active language's and falls back to the other when it is missing or empty
(settings.MODELTRANSLATION_FALLBACK_LANGUAGES). A step's note for the patient is not
translated: it is written for one patient, in the language they share with their
physiotherapist.
"""

from modeltranslation.translator import TranslationOptions, register

from routines.models import Exercise, Routine


@register(Exercise)
class ExerciseTranslationOptions(TranslationOptions):
    fields = ("name", "instructions", "cues", "cautions")
    # An empty text is a missing translation, not a choice to show nothing.
    fallback_undefined = ""
    # A missing name is NULL: names are unique per language in a library
    # (exercise_name_unique_in_clinic-fr-ca), and two missing ones must not collide.
    empty_values = {"name": None}


@register(Routine)
class RoutineTranslationOptions(TranslationOptions):
    fields = ("name", "goal")
    fallback_undefined = ""
