"""The texts of the questionnaires Limber ships, for translation.

The data migration stores them in English; they are translated when shown, so a patient
reading Limber in French sees the shipped questions in French. A clinic's own imported
questionnaire is shown as written (its licence may not allow a translation).
"""

from django.utils.translation import gettext, gettext_noop

SHIPPED_TEXTS = [
    gettext_noop("Numeric Pain Rating Scale"),
    gettext_noop("How strong your pain has been, from 0 to 10."),
    gettext_noop("On average over the last 24 hours, how strong was your pain?"),
    gettext_noop("No pain"),
    gettext_noop("Worst pain you can imagine"),
    gettext_noop("Patient-Specific Functional Scale"),
    gettext_noop(
        "Name three to five activities that are hard for you because of your problem, "
        "then rate how well you can do each one today: 0 means you cannot do it at all, "
        "10 means you can do it as well as before the problem."
    ),
    gettext_noop("First activity"),
    gettext_noop("Second activity"),
    gettext_noop("Third activity"),
    gettext_noop("Fourth activity"),
    gettext_noop("Fifth activity"),
    gettext_noop("How well can you do it today?"),
    gettext_noop("Cannot do it at all"),
    gettext_noop("As well as before the problem"),
    gettext_noop("Free to use. The wording here is Limber's own."),
]


def item_text(text: str) -> str:
    return gettext(text) if text else text


label_text = item_text


def questionnaire_text(questionnaire, text: str) -> str:
    """`text` of `questionnaire`, translated when Limber ships it."""
    return gettext(text) if text and questionnaire.clinic_id is None else text
