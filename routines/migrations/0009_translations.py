"""One column per language for the texts readers see (django-modeltranslation, registered in
routines/translation.py). What was written so far lands in the English column, as modeltranslation's
update_translation_fields would put it: the French comes with the next data migration.
"""

import clinic.validators
from django.db import migrations, models
from django.db.models import F


TRANSLATED = {"exercise": ["name", "instructions", "cues", "cautions"], "routine": ["name", "goal"]}


def copy_to_english(apps, schema_editor):
    """Existing text into the English column, where it is not set yet."""
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("routines", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_clinic_contact_details"),
        ("routines", "0008_step_timing_keep_meaning"),
    ]

    operations = [
        # The name's rule moves to each language's column (the AddConstraints below).
        migrations.RemoveConstraint(model_name="exercise", name="exercise_name_unique_in_clinic"),
        migrations.RemoveConstraint(model_name="exercise", name="exercise_builtin_name_unique"),
        migrations.AddField(
            model_name="exercise",
            name="cautions_en",
            field=models.TextField(
                blank=True,
                help_text="One caution per line.",
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="cautions",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="cautions_fr_ca",
            field=models.TextField(
                blank=True,
                help_text="One caution per line.",
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="cautions",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="cues_en",
            field=models.TextField(
                blank=True,
                help_text="One cue per line.",
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="technique cues",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="cues_fr_ca",
            field=models.TextField(
                blank=True,
                help_text="One cue per line.",
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="technique cues",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="instructions_en",
            field=models.TextField(
                null=True, validators=[clinic.validators.validate_text], verbose_name="instructions"
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="instructions_fr_ca",
            field=models.TextField(
                null=True, validators=[clinic.validators.validate_text], verbose_name="instructions"
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="name_en",
            field=models.CharField(
                max_length=120,
                null=True,
                validators=[clinic.validators.validate_name],
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="name_fr_ca",
            field=models.CharField(
                max_length=120,
                null=True,
                validators=[clinic.validators.validate_name],
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="routine",
            name="goal_en",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="goal",
            ),
        ),
        migrations.AddField(
            model_name="routine",
            name="goal_fr_ca",
            field=models.TextField(
                blank=True,
                null=True,
                validators=[clinic.validators.validate_text],
                verbose_name="goal",
            ),
        ),
        migrations.AddField(
            model_name="routine",
            name="name_en",
            field=models.CharField(
                max_length=120,
                null=True,
                validators=[clinic.validators.validate_name],
                verbose_name="name",
            ),
        ),
        migrations.AddField(
            model_name="routine",
            name="name_fr_ca",
            field=models.CharField(
                max_length=120,
                null=True,
                validators=[clinic.validators.validate_name],
                verbose_name="name",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", False)),
                fields=("clinic", "name_en"),
                name="exercise_name_unique_in_clinic-en",
                violation_error_message="Your library already has an exercise with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", False)),
                fields=("clinic", "name_fr_ca"),
                name="exercise_name_unique_in_clinic-fr-ca",
                violation_error_message="Your library already has an exercise with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", True)),
                fields=("name_en",),
                name="exercise_builtin_name_unique-en",
                violation_error_message="A built-in exercise already has this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.UniqueConstraint(
                condition=models.Q(("clinic__isnull", True)),
                fields=("name_fr_ca",),
                name="exercise_builtin_name_unique-fr-ca",
                violation_error_message="A built-in exercise already has this name.",
            ),
        ),
        migrations.RunPython(copy_to_english, migrations.RunPython.noop),
    ]
