"""Existing steps keep what the player did with them.

Before the timing words, the player relaxed a fixed 5 s between repetitions and used the
step's one rest between sets. So: a step with more than one repetition rests 5 s between
them, and one with a single repetition has no rest between repetitions (there are none).
The rest between sets is the old rest, carried over by the rename. The rest the old player
also ran after an exercise's last set is gone by design: a rest belongs to its exercise.
"""

from django.db import migrations

OLD_RELAX_SECONDS = 5


def forward(apps, schema_editor):
    RoutineStep = apps.get_model("routines", "RoutineStep")
    RoutineStep.objects.filter(repetitions__gt=1).update(
        rest_between_repetitions_seconds=OLD_RELAX_SECONDS
    )
    RoutineStep.objects.filter(repetitions__lte=1).update(rest_between_repetitions_seconds=0)


class Migration(migrations.Migration):
    dependencies = [
        ("routines", "0007_step_timing_words"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
