"""The data migration that gives every plan its own copy (issue 22) keeps history whole."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from patients.models import Assignment, Completion, Session
from routines.models import Routine
from tests import factories

BEFORE = [("patients", "0007_patient_record_details")]
COPIES = [("patients", "0008_plans_own_copies")]
AFTER = [("patients", "0009_assignment_routine_own_copy")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_plans_own_copies_migration_copies_shared_routines_and_keeps_completions(clinic, therapist):
    _migrate(BEFORE)
    try:
        template = factories.make_routine(clinic, steps=2, name="Daily back care")
        alice = factories.make_patient(clinic, therapist, first_name="Alice")
        bob = factories.make_patient(clinic, therapist, first_name="Bob")
        carol = factories.make_patient(clinic, therapist, first_name="Carol")
        today = clinic.today()
        # As the admin saved them: Alice straight on the template, Bob on his own copy,
        # Carol sharing Bob's copy.
        on_template = Assignment.objects.create(patient=alice, routine=template, starts_on=today)
        bobs_copy = factories.make_routine(clinic, steps=2, is_template=False, name="Bob's")
        bobs = Assignment.objects.create(patient=bob, routine=bobs_copy, starts_on=today)
        sharing = Assignment.objects.create(patient=carol, routine=bobs_copy, starts_on=today)
        done = [
            factories.make_finished_session(assignment)
            for assignment in (on_template, bobs, sharing)
        ]
        recorded = {
            completion.id: (completion.step_id, completion.session_id, completion.exercise_name)
            for completion in Completion.objects.all()
        }
        assert recorded

        _migrate(COPIES)
        _migrate(AFTER)

        on_template.refresh_from_db()
        bobs.refresh_from_db()
        sharing.refresh_from_db()
        assert on_template.routine != template
        assert not on_template.routine.is_template
        assert on_template.routine.copied_from == template
        assert bobs.routine == bobs_copy  # the first of those sharing keeps it
        assert sharing.routine not in (bobs_copy, template)
        assert sharing.routine.copied_from == bobs_copy
        assert len({on_template.routine_id, bobs.routine_id, sharing.routine_id}) == 3
        for plan in (on_template, sharing):
            assert [s.exercise_id for s in plan.routine.steps.order_by("position")] == [
                s.exercise_id for s in plan.routine.copied_from.steps.order_by("position")
            ]
        # Every completion is still there, unchanged, and every session still finished.
        assert {
            completion.id: (completion.step_id, completion.session_id, completion.exercise_name)
            for completion in Completion.objects.all()
        } == recorded
        assert all(Session.objects.get(id=s.id).finished_at for s in done)
        assert Routine.objects.filter(id=template.id, is_template=True).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
