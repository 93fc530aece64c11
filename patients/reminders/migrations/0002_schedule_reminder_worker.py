from django.db import migrations


def schedule_worker(apps, schema_editor):
    """The worker's every-minute pass (django-q2 runs it; see docs/deploy.md)."""
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="reminders",
        defaults={
            "func": "patients.reminders.tasks.plan_and_send_reminders",
            "schedule_type": "I",
            "minutes": 1,
            "repeats": -1,
        },
    )


def unschedule_worker(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="reminders").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_add_reminders"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_worker, unschedule_worker)]
