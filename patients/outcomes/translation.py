"""Which texts of a questionnaire exist in each language (django-modeltranslation): what the
patient and the staff read (names, titles, questions, the words at a scale's ends, answer
labels). A clinic's imported questionnaire has the language it came in; the shipped ones have
both (migration outcomes 0004). The source (a citation) is not translated.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import AnswerOption, Item, Questionnaire, QuestionnaireVersion


@register(Questionnaire)
class QuestionnaireTranslationOptions(TranslationOptions):
    fields = ("name", "description", "copyright")
    fallback_undefined = ""


@register(QuestionnaireVersion)
class QuestionnaireVersionTranslationOptions(TranslationOptions):
    fields = ("title",)
    fallback_undefined = ""


@register(Item)
class ItemTranslationOptions(TranslationOptions):
    fields = ("text", "min_label", "max_label")
    fallback_undefined = ""


@register(AnswerOption)
class AnswerOptionTranslationOptions(TranslationOptions):
    fields = ("label",)
    fallback_undefined = ""
