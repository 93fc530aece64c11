"""The data migration that gives every plan its own copy (issue 22) keeps history whole.

The rows are written with the historical models of the schema the database is at, never the
current ones: later migrations add columns (Patient.language, Clinic.language) and tables
(PatientSummary, written by post_save receivers of the current models) that do not exist yet.
"""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("patients", "0007_patient_record_details")]
COPIES = [("patients", "0008_plans_own_copies")]
AFTER = [("patients", "0009_assignment_routine_own_copy")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _models_now():
    """The historical models of every migration applied now. Migrating patients back leaves
    apps that do not depend on it (routines' timing words and translations) at their
    latest, so the state of BEFORE alone would not match their tables."""
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def _make_history(apps) -> dict:
    """A clinic, its physiotherapist, a template, and three plans as the admin saved them
    before the own-copy rule: Alice straight on the template, Bob on his own copy, Carol
    sharing Bob's copy. Each plan has a finished session with every step done."""
    Clinic = apps.get_model("clinic", "Clinic")
    User = apps.get_model("clinic", "User")
    StaffMember = apps.get_model("clinic", "StaffMember")
    Exercise = apps.get_model("routines", "Exercise")
    Routine = apps.get_model("routines", "Routine")
    RoutineStep = apps.get_model("routines", "RoutineStep")
    Patient = apps.get_model("patients", "Patient")
    Assignment = apps.get_model("patients", "Assignment")
    Session = apps.get_model("patients", "Session")
    Completion = apps.get_model("patients", "Completion")

    clinic = Clinic.objects.create(name="Migration clinic", timezone="Europe/Amsterdam")
    staff_user = User.objects.create(
        username="physio", is_staff=True, first_name="Sam", last_name="Staff"
    )
    therapist = StaffMember.objects.create(user=staff_user, clinic=clinic, role="physio")
    now = timezone.now()
    today = now.date()

    def routine(name: str, is_template: bool):
        made = Routine.objects.create(clinic=clinic, name=name, is_template=is_template)
        for position in (1, 2):
            exercise = Exercise.objects.create(
                clinic=clinic,
                name=f"{name} exercise {position}",
                body_region="lower_back",
                instructions="Do it gently.",
            )
            RoutineStep.objects.create(
                routine=made,
                exercise=exercise,
                position=position,
                hold_seconds=20,
                repetitions=1,
                sets=1,
                sides="both",
            )
        return made

    def patient(first_name: str):
        # A patient's sign-in is a patient-only account (the triggers of patients/0004).
        user = User.objects.create(username=first_name.lower(), is_staff=False)
        return Patient.objects.create(
            clinic=clinic,
            physiotherapist=therapist,
            user=user,
            first_name=first_name,
            last_name="Patient",
        )

    def plan(who, on):
        return Assignment.objects.create(
            patient=who, routine=on, starts_on=today, created_by=staff_user
        )

    def finished_session(assignment):
        session = Session.objects.create(
            patient=assignment.patient,
            assignment=assignment,
            local_date=today,
            started_at=now,
            finished_at=now,
            pain=2,
        )
        steps = RoutineStep.objects.filter(
            routine_id=assignment.routine_id, archived_at__isnull=True
        ).select_related("exercise")
        for step in steps:
            Completion.objects.create(
                client_id=uuid.uuid4(),
                session=session,
                patient=assignment.patient,
                step=step,
                exercise=step.exercise,
                side="both",
                set_number=1,
                status="done",
                recorded_at=now,
                exercise_name=step.exercise.name,
                hold_seconds=step.hold_seconds,
                repetitions=step.repetitions,
                sides=step.sides,
            )
        return session

    template = routine("Daily back care", is_template=True)
    bobs_copy = routine("Bob's", is_template=False)
    on_template = plan(patient("Alice"), template)
    bobs = plan(patient("Bob"), bobs_copy)
    sharing = plan(patient("Carol"), bobs_copy)
    done = [finished_session(assignment) for assignment in (on_template, bobs, sharing)]
    return {
        "template": template.id,
        "bobs_copy": bobs_copy.id,
        "on_template": on_template.id,
        "bobs": bobs.id,
        "sharing": sharing.id,
        "sessions": [session.id for session in done],
    }


def _completions(apps) -> dict:
    Completion = apps.get_model("patients", "Completion")
    return {
        completion_id: (step_id, session_id, exercise_name)
        for completion_id, step_id, session_id, exercise_name in Completion.objects.values_list(
            "id", "step_id", "session_id", "exercise_name"
        )
    }


@pytest.mark.django_db(transaction=True)
def test_plans_own_copies_migration_copies_shared_routines_and_keeps_completions():
    _migrate(BEFORE)
    try:
        before = _models_now()
        made = _make_history(before)
        recorded = _completions(before)
        assert len(recorded) == 6  # two steps, one set, both sides at once, three plans

        _migrate(COPIES)
        _migrate(AFTER)

        after = _models_now()
        Assignment = after.get_model("patients", "Assignment")
        Routine = after.get_model("routines", "Routine")
        Session = after.get_model("patients", "Session")
        plans = Assignment.objects.select_related("routine", "routine__copied_from")
        on_template = plans.get(id=made["on_template"])
        bobs = plans.get(id=made["bobs"])
        sharing = plans.get(id=made["sharing"])
        template, bobs_copy = made["template"], made["bobs_copy"]

        assert on_template.routine_id != template
        assert not on_template.routine.is_template
        assert on_template.routine.copied_from_id == template
        assert on_template.routine.clinic_id == on_template.routine.copied_from.clinic_id
        assert bobs.routine_id == bobs_copy  # the first of those sharing keeps it
        assert sharing.routine_id not in (bobs_copy, template)
        assert not sharing.routine.is_template
        assert sharing.routine.copied_from_id == bobs_copy
        assert len({on_template.routine_id, bobs.routine_id, sharing.routine_id}) == 3
        for plan in (on_template, sharing):
            assert [s.exercise_id for s in plan.routine.steps.order_by("position")] == [
                s.exercise_id for s in plan.routine.copied_from.steps.order_by("position")
            ]
        # Every completion is still there, unchanged, and every session still finished.
        assert _completions(after) == recorded
        assert all(
            Session.objects.get(id=session_id).finished_at for session_id in made["sessions"]
        )
        assert Routine.objects.filter(id=template, is_template=True).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
