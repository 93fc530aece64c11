"""A step's timing in physiotherapists' words: the one "rest" becomes "rest between sets",
and "rest between repetitions" is its own field (it was a fixed 5 s in the player)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routines", "0006_exercise_video_and_private_media"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="routinestep", name="routinestep_rest_in_range"),
        migrations.RenameField(
            model_name="routinestep", old_name="rest_seconds", new_name="rest_between_sets_seconds"
        ),
        migrations.AlterField(
            model_name="routinestep",
            name="rest_between_sets_seconds",
            field=models.PositiveSmallIntegerField(
                default=10, verbose_name="rest between sets (seconds)"
            ),
        ),
        migrations.AddField(
            model_name="routinestep",
            name="rest_between_repetitions_seconds",
            field=models.PositiveSmallIntegerField(
                default=5, verbose_name="rest between repetitions (seconds)"
            ),
        ),
        migrations.AddConstraint(
            model_name="routinestep",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rest_between_sets_seconds__gte", 0), ("rest_between_sets_seconds__lte", 600)
                ),
                name="routinestep_set_rest_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="routinestep",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rest_between_repetitions_seconds__gte", 0),
                    ("rest_between_repetitions_seconds__lte", 600),
                ),
                name="routinestep_rep_rest_in_range",
            ),
        ),
    ]
