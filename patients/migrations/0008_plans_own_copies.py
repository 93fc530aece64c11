"""Give every plan its own copy of its routine (issue 22).

Before the rule held, the admin saved an assignment pointing straight at a template (even a
built-in one), and two assignments could share one routine. This finds each assignment
whose routine is a template, belongs to another clinic, or is shared with an earlier
assignment, copies that routine's active steps into a new routine of the patient's clinic
and points the assignment at the copy.

Recorded history stays whole and unchanged: no completion, session or step is edited or
deleted. A completion keeps pointing at the step it was recorded against (that step stays
in the routine it was in, protected from deletion), and it carries its own copy of what was
prescribed (exercise, hold, repetitions, sides), which is what history, adherence and the
exports read. Among assignments that share a non-template routine, the first keeps it.
"""

from django.db import migrations


def _copy_fields(step) -> dict:
    # Fields another branch may add to a step (its timing model) come along too.
    names = [
        field.attname
        for field in step._meta.concrete_fields
        if field.name not in ("id", "routine", "archived_at")
    ]
    return {name: getattr(step, name) for name in names}


def give_each_plan_its_own_copy(apps, schema_editor):
    Assignment = apps.get_model("patients", "Assignment")
    Routine = apps.get_model("routines", "Routine")
    RoutineStep = apps.get_model("routines", "RoutineStep")
    kept = set()
    assignments = Assignment.objects.select_related("routine", "patient").order_by("id")
    for assignment in assignments.iterator():
        routine = assignment.routine
        own = (
            not routine.is_template
            and routine.clinic_id == assignment.patient.clinic_id
            and routine.id not in kept
        )
        if own:
            kept.add(routine.id)
            continue
        copy = Routine.objects.create(
            clinic_id=assignment.patient.clinic_id,
            name=routine.name,
            goal=routine.goal,
            is_template=False,
            copied_from_id=routine.id,
            created_by_id=assignment.created_by_id,
        )
        steps = RoutineStep.objects.filter(routine_id=routine.id, archived_at__isnull=True)
        RoutineStep.objects.bulk_create(
            RoutineStep(routine_id=copy.id, **_copy_fields(step)) for step in steps
        )
        Assignment.objects.filter(id=assignment.id).update(routine_id=copy.id)
        kept.add(copy.id)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0007_patient_record_details"),
        ("routines", "0002_builtin_library"),
    ]

    operations = [
        migrations.RunPython(give_each_plan_its_own_copy, migrations.RunPython.noop),
    ]
