"""One column per language for the texts readers see (django-modeltranslation, registered in
patients/outcomes/translation.py). What was written so far lands in the English column,
as modeltranslation's update_translation_fields would put it: the French comes with the
next data migration.
"""

from django.db import migrations, models
from django.db.models import F


TRANSLATED = {
    "questionnaire": ["name", "description", "copyright"],
    "questionnaireversion": ["title"],
    "item": ["text", "min_label", "max_label"],
    "answeroption": ["label"],
}


def copy_to_english(apps, schema_editor):
    """Existing text into the English column, where it is not set yet."""
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("outcomes", model_name)
        for field in fields:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_shipped_questionnaires"),
    ]

    operations = [
        migrations.AddField(
            model_name="answeroption",
            name="label_en",
            field=models.CharField(max_length=300, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="answeroption",
            name="label_fr_ca",
            field=models.CharField(max_length=300, null=True, verbose_name="label"),
        ),
        migrations.AddField(
            model_name="item",
            name="max_label_en",
            field=models.CharField(
                blank=True, max_length=100, null=True, verbose_name="label of the highest"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="max_label_fr_ca",
            field=models.CharField(
                blank=True, max_length=100, null=True, verbose_name="label of the highest"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="min_label_en",
            field=models.CharField(
                blank=True, max_length=100, null=True, verbose_name="label of the lowest"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="min_label_fr_ca",
            field=models.CharField(
                blank=True, max_length=100, null=True, verbose_name="label of the lowest"
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="text_en",
            field=models.TextField(null=True, verbose_name="text"),
        ),
        migrations.AddField(
            model_name="item",
            name="text_fr_ca",
            field=models.TextField(null=True, verbose_name="text"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="copyright_en",
            field=models.TextField(blank=True, null=True, verbose_name="copyright or licence"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="copyright_fr_ca",
            field=models.TextField(blank=True, null=True, verbose_name="copyright or licence"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="description_fr_ca",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="questionnaire",
            name="name_fr_ca",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="questionnaireversion",
            name="title_en",
            field=models.CharField(max_length=200, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="questionnaireversion",
            name="title_fr_ca",
            field=models.CharField(max_length=200, null=True, verbose_name="title"),
        ),
        migrations.RunPython(copy_to_english, migrations.RunPython.noop),
    ]
