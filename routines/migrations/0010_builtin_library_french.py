"""The built-in library and the "Daily back care" template in Canadian French, in Limber's
own words (the English is migration 0002's).

Idempotent and careful: a built-in found by its English name gets the French only where its
French column is still empty, so an operator's own translation is kept. Every exercise's
search text is then rebuilt with both languages' names and cues, so the library search finds
"Posture de l'enfant" as well as "Child's pose".
"""

from django.db import migrations

SAFETY = (
    "Bougez lentement et expirez en vous installant dans l'étirement.\n"
    "Ne forcez jamais une position et ne faites pas de rebonds.\n"
    "Arrêtez et avisez votre physiothérapeute si l'étirement cause une douleur vive."
)

# By the English name of the built-in (migration 0002).
EXERCISES = {
    "Supine lumbar rotation": {
        "name": "Rotation lombaire sur le dos",
        "instructions": (
            "Couchez-vous sur le dos, genoux pliés et pieds à plat. Ouvrez les bras de chaque "
            "côté. Laissez les deux genoux descendre lentement d'un côté pendant que vous "
            "tournez doucement la poitrine et la tête de l'autre côté. Maintenez, ramenez les "
            "genoux au centre, puis faites l'autre côté."
        ),
        "cues": (
            "Gardez les deux épaules appuyées au sol.\n"
            "Laissez le poids des jambes abaisser les genoux; ne les poussez pas.\n"
            "Respirez lentement pendant le maintien."
        ),
        "cautions": SAFETY,
    },
    "Knees to chest": {
        "name": "Genoux à la poitrine",
        "instructions": (
            "Couchez-vous sur le dos. Remontez les deux genoux et ramenez-les doucement vers "
            "la poitrine, les mains autour des tibias ou derrière les genoux, jusqu'à sentir "
            "un étirement dans le bas du dos. Maintenez, puis redescendez les pieds un à la "
            "fois."
        ),
        "cues": (
            "Gardez la tête et les épaules détendues au sol.\n"
            "Tirez doucement; l'étirement doit rester confortable."
        ),
        "cautions": SAFETY,
    },
    "Child's pose": {
        "name": "Posture de l'enfant",
        "instructions": (
            "Mettez-vous à genoux au sol, assoyez-vous vers les talons, puis penchez le corps "
            "vers l'avant pour le déposer sur les cuisses. Allongez les bras devant vous sur "
            "le sol, aussi loin qu'ils vont sans effort."
        ),
        "cues": (
            "Laissez le front reposer sur le sol ou sur un coussin.\n"
            "Allongez-vous jusqu'au bout des doigts; laissez le dos s'arrondir doucement."
        ),
        "cautions": SAFETY
        + "\nPlacez un coussin sous les genoux si la position à genoux est inconfortable.",
    },
    "Standing forward bend": {
        "name": "Flexion avant debout",
        "instructions": (
            "Debout, pieds écartés à la largeur des hanches et genoux souples, penchez-vous "
            "vers l'avant à partir des hanches. Descendez le haut du corps jusqu'à ce que les "
            "mains reposent au sol, ou aussi loin que c'est confortable. Maintenez au moins "
            "30 secondes, puis remontez lentement."
        ),
        "cues": (
            "Pliez les genoux autant qu'il le faut.\n"
            "Laissez pendre la tête et les bras.\n"
            "Remontez lentement, une vertèbre à la fois."
        ),
        "cautions": SAFETY + "\nSi vous êtes étourdi, remontez lentement et assoyez-vous.",
    },
}

# The template's English (migration 0002): a clinic's copy that still says exactly this (a
# duplicate, a patient's own copy) gets the French too.
TEMPLATE_GOAL_EN = (
    "Keep the lower back supple with four gentle stretches. Do it daily: in the morning, "
    "before and after sport, and as a break from long sitting."
)
TEMPLATES = {
    "Daily back care": {
        "name": "Soins quotidiens du dos",
        "goal": (
            "Garder le bas du dos souple grâce à quatre étirements doux. À faire chaque jour : "
            "le matin, avant et après le sport, et comme pause quand vous restez longtemps "
            "assis."
        ),
    },
}


def _fill_french(model, english_name: str, texts: dict) -> None:
    """The French of one built-in, column by column, only where it is still empty."""
    rows = model.objects.filter(clinic__isnull=True, name_en=english_name)
    for field, text in texts.items():
        rows.filter(**{f"{field}_fr_ca__isnull": True}).update(**{f"{field}_fr_ca": text})
        rows.filter(**{f"{field}_fr_ca": ""}).update(**{f"{field}_fr_ca": text})


def refresh_search_text(Exercise) -> None:
    """Exercise.search_text (migration 0005) with the name and cues in both languages."""
    from routines.models import BodyRegion, ExerciseKind, _labels, search_form

    for exercise in Exercise.objects.all():
        parts = [
            exercise.name_en or "",
            exercise.name_fr_ca or "",
            *_labels(BodyRegion, exercise.body_region),
            *_labels(ExerciseKind, exercise.kind),
            exercise.cues_en or "",
            exercise.cues_fr_ca or "",
        ]
        Exercise.objects.filter(id=exercise.id).update(search_text=search_form(" ".join(parts)))


def add_french(apps, schema_editor):
    Exercise = apps.get_model("routines", "Exercise")
    Routine = apps.get_model("routines", "Routine")
    for english_name, texts in EXERCISES.items():
        _fill_french(Exercise, english_name, texts)
    for english_name, texts in TEMPLATES.items():
        _fill_french(Routine, english_name, texts)
        copies = Routine.objects.filter(
            clinic__isnull=False, name_en=english_name, goal_en=TEMPLATE_GOAL_EN
        )
        for field, text in texts.items():
            copies.filter(**{f"{field}_fr_ca__isnull": True}).update(**{f"{field}_fr_ca": text})
    refresh_search_text(Exercise)


class Migration(migrations.Migration):
    dependencies = [("routines", "0009_translations")]

    operations = [migrations.RunPython(add_french, migrations.RunPython.noop)]
