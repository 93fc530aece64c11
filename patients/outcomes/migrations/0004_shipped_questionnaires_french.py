"""The shipped questionnaires (NPRS, PSFS) in Canadian French, in Limber's own words: no
published translation of either instrument is reproduced (migration 0002 has the English).

Only where the French column is still empty, so an operator's own wording is kept.
"""

from django.db import migrations

FREE = "Libre d'utilisation. Le texte est celui de Limber."
ORDINALS = ["Première", "Deuxième", "Troisième", "Quatrième", "Cinquième"]

NPRS = {
    "name": "Échelle numérique de la douleur",
    "description": "L'intensité de votre douleur, de 0 à 10.",
    "copyright": FREE,
    "title": "Échelle numérique de la douleur",
    "items": {
        "pain": {
            "text": "En moyenne, au cours des dernières 24 heures, quelle a été l'intensité "
            "de votre douleur?",
            "min_label": "Aucune douleur",
            "max_label": "La pire douleur que vous puissiez imaginer",
        },
    },
}

PSFS = {
    "name": "Échelle fonctionnelle propre au patient",
    "description": (
        "Nommez de trois à cinq activités que votre problème vous rend difficiles, puis "
        "indiquez dans quelle mesure vous pouvez faire chacune d'elles aujourd'hui : 0 veut "
        "dire que vous ne pouvez pas du tout la faire, 10 que vous la faites aussi bien "
        "qu'avant le problème."
    ),
    "copyright": FREE,
    "title": "Échelle fonctionnelle propre au patient",
    "items": {
        **{
            f"activity-{number}": {"text": f"{ordinal} activité"}
            for number, ordinal in enumerate(ORDINALS, start=1)
        },
        **{
            f"activity-{number}-rating": {
                "text": "Dans quelle mesure pouvez-vous la faire aujourd'hui?",
                "min_label": "Je ne peux pas du tout la faire",
                "max_label": "Aussi bien qu'avant le problème",
            }
            for number in range(1, 6)
        },
    },
}

SHIPPED = {"nprs": NPRS, "psfs": PSFS}


def _fill(rows, texts: dict) -> None:
    for field, text in texts.items():
        for empty in ({f"{field}_fr_ca__isnull": True}, {f"{field}_fr_ca": ""}):
            rows.filter(**empty).update(**{f"{field}_fr_ca": text})


def forward(apps, schema_editor):
    Questionnaire = apps.get_model("outcomes", "Questionnaire")
    Version = apps.get_model("outcomes", "QuestionnaireVersion")
    Item = apps.get_model("outcomes", "Item")
    for code, texts in SHIPPED.items():
        questionnaires = Questionnaire.objects.filter(clinic__isnull=True, code=code)
        _fill(questionnaires, {field: texts[field] for field in ("name", "description", "copyright")})
        versions = Version.objects.filter(questionnaire__in=questionnaires)
        _fill(versions, {"title": texts["title"]})
        for link_id, item_texts in texts["items"].items():
            _fill(Item.objects.filter(version__in=versions, link_id=link_id), item_texts)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0003_translations")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
