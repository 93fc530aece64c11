"""The built-in exercise library and the "Daily back care" starter template.

Idempotent: a built-in that already exists (by name) is left as the operator may have
edited it.
"""

from django.db import migrations

SAFETY = (
    "Move slowly and breathe out as you ease into the stretch.\n"
    "Never force a position or bounce.\n"
    "Stop and tell your physiotherapist if the stretch causes sharp pain."
)

EXERCISES = [
    {
        "name": "Supine lumbar rotation",
        "body_region": "lower_back",
        "kind": "stretch",
        "instructions": (
            "Lie on your back with knees bent and feet flat. Spread your arms out to the sides. "
            "Let both knees sink slowly to one side while you turn your chest and head gently "
            "the other way. Hold, bring the knees back to the middle, then do the other side."
        ),
        "cues": (
            "Keep both shoulders resting on the floor.\n"
            "Let gravity lower the knees; do not push them down.\n"
            "Breathe slowly through the hold."
        ),
        "cautions": SAFETY,
        "default_hold_seconds": 20,
        "default_repetitions": 1,
        "default_sets": 2,
        "default_sides": "each",
    },
    {
        "name": "Knees to chest",
        "body_region": "lower_back",
        "kind": "stretch",
        "instructions": (
            "Lie on your back. Bring both knees up and draw them gently towards your chest with "
            "your hands around your shins or behind your knees, until you feel a stretch in the "
            "lower back. Hold, then lower the feet one at a time."
        ),
        "cues": (
            "Keep your head and shoulders relaxed on the floor.\n"
            "Pull gently; the stretch should feel comfortable."
        ),
        "cautions": SAFETY,
        "default_hold_seconds": 20,
        "default_repetitions": 2,
        "default_sets": 1,
        "default_sides": "both",
    },
    {
        "name": "Child's pose",
        "body_region": "lower_back",
        "kind": "stretch",
        "instructions": (
            "Kneel on the floor, sit back towards your heels, then lean your body forward and "
            "rest it on your thighs. Reach your arms forward along the floor as far as they "
            "comfortably go."
        ),
        "cues": (
            "Let your forehead rest on the floor or a cushion.\n"
            "Reach long through the fingertips; let the back round softly."
        ),
        "cautions": SAFETY + "\nPut a cushion under the knees if kneeling is uncomfortable.",
        "default_hold_seconds": 30,
        "default_repetitions": 1,
        "default_sets": 2,
        "default_sides": "both",
    },
    {
        "name": "Standing forward bend",
        "body_region": "legs",
        "kind": "stretch",
        "instructions": (
            "Stand with your feet hip-width apart and knees soft. Bend forward from the hips "
            "and lower your upper body until your hands rest on the floor, or as far as is "
            "comfortable. Hold for at least 30 seconds, then roll up slowly."
        ),
        "cues": (
            "Bend the knees as much as you need.\n"
            "Let your head and arms hang heavy.\n"
            "Come up slowly, one vertebra at a time."
        ),
        "cautions": SAFETY + "\nIf you feel dizzy, come up slowly and sit down.",
        "default_hold_seconds": 30,
        "default_repetitions": 1,
        "default_sets": 1,
        "default_sides": "both",
    },
]

TEMPLATE_NAME = "Daily back care"
TEMPLATE_GOAL = (
    "Keep the lower back supple with four gentle stretches. Do it daily: in the morning, "
    "before and after sport, and as a break from long sitting."
)


def create_library(apps, schema_editor):
    Exercise = apps.get_model("routines", "Exercise")
    Routine = apps.get_model("routines", "Routine")
    RoutineStep = apps.get_model("routines", "RoutineStep")

    exercises = []
    for fields in EXERCISES:
        exercise, _ = Exercise.objects.get_or_create(
            clinic=None, name=fields["name"], defaults=fields
        )
        exercises.append(exercise)

    routine, created = Routine.objects.get_or_create(
        clinic=None,
        name=TEMPLATE_NAME,
        defaults={"goal": TEMPLATE_GOAL, "is_template": True},
    )
    if created:
        for position, exercise in enumerate(exercises, start=1):
            RoutineStep.objects.create(
                routine=routine,
                exercise=exercise,
                position=position,
                hold_seconds=exercise.default_hold_seconds,
                repetitions=exercise.default_repetitions,
                sets=exercise.default_sets,
                sides=exercise.default_sides,
                **{_rest_field(RoutineStep): 10},
            )


def _rest_field(RoutineStep) -> str:
    """The rest's name: "rest_seconds" when this migration runs, "rest_between_sets_seconds"
    when tests put the library back with today's models (0003 renamed it)."""
    names = {field.name for field in RoutineStep._meta.get_fields()}
    return "rest_seconds" if "rest_seconds" in names else "rest_between_sets_seconds"


class Migration(migrations.Migration):
    dependencies = [("routines", "0001_initial")]

    operations = [migrations.RunPython(create_library, migrations.RunPython.noop)]
