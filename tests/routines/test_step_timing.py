"""A step's timing in physiotherapists' words: the data migration keeps old steps' meaning,
and the words are the same in every place a step is shown."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from routines.models import RoutineStep
from routines.prescription import prescription_in_words
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_step_timing_migration_keeps_an_old_steps_meaning():
    """Before: the player relaxed a fixed 5 s between repetitions and used `rest_seconds`
    between sets. After: the same seconds, in fields that say so."""
    executor = MigrationExecutor(connection)
    before = [("routines", "0006_exercise_video_and_private_media")] + [
        leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] not in ("routines",)
    ]
    executor.migrate([("routines", "0006_exercise_video_and_private_media")])
    old_apps = executor.loader.project_state(before).apps
    Clinic = old_apps.get_model("clinic", "Clinic")
    Exercise = old_apps.get_model("routines", "Exercise")
    Routine = old_apps.get_model("routines", "Routine")
    Step = old_apps.get_model("routines", "RoutineStep")
    clinic = Clinic.objects.create(name="Old clinic")
    exercise = Exercise.objects.create(
        clinic=clinic,
        name="Old stretch",
        search_text="old stretch",
        body_region="lower_back",
        instructions="Gently.",
    )
    routine = Routine.objects.create(clinic=clinic, name="Old routine", is_template=True)
    repeated = Step.objects.create(
        routine=routine,
        exercise=exercise,
        position=1,
        hold_seconds=20,
        repetitions=3,
        sets=2,
        sides="each",
        rest_seconds=15,
    )
    single = Step.objects.create(
        routine=routine,
        exercise=exercise,
        position=2,
        hold_seconds=30,
        repetitions=1,
        sets=1,
        sides="both",
        rest_seconds=10,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    repeated = RoutineStep.objects.get(id=repeated.id)
    assert (repeated.hold_seconds, repeated.repetitions, repeated.sets, repeated.sides) == (
        20,
        3,
        2,
        "each",
    )
    assert repeated.rest_between_repetitions_seconds == 5
    assert repeated.rest_between_sets_seconds == 15
    single = RoutineStep.objects.get(id=single.id)
    assert single.rest_between_repetitions_seconds == 0
    assert single.rest_between_sets_seconds == 10


def test_prescription_in_words_names_every_field():
    step = RoutineStep(
        hold_seconds=20,
        repetitions=3,
        rest_between_repetitions_seconds=5,
        sets=2,
        rest_between_sets_seconds=30,
        sides="each",
    )
    assert prescription_in_words(step) == (
        "Hold 20 s · each side · 3 repetitions, rest 5 s between · 2 sets, rest 30 s between"
    )


def test_prescription_in_words_leaves_out_counts_of_one_and_rests_that_never_run():
    step = RoutineStep(
        hold_seconds=30,
        repetitions=1,
        rest_between_repetitions_seconds=5,
        sets=1,
        rest_between_sets_seconds=30,
        sides="both",
    )
    assert prescription_in_words(step) == "Hold 30 s"


def test_step_timing_words_are_the_same_in_builder_preview_handout_and_plan(
    client, therapist, patient
):
    routine = factories.make_routine(therapist.clinic, steps=1)
    routine.steps.update(
        hold_seconds=25,
        repetitions=2,
        rest_between_repetitions_seconds=4,
        sets=3,
        rest_between_sets_seconds=40,
        sides="each",
    )
    words = "Hold 25 s · each side · 2 repetitions, rest 4 s between · 3 sets, rest 40 s between"
    client.force_login(therapist.user)
    factories.verify_second_step(client, therapist.user)
    # The builder edits the fields themselves; the pages that show a step use the words.
    for name in ("preview", "handout"):
        response = client.get(
            f"/routines/{routine.id}/" + ("" if name == "builder" else f"{name}/")
        )
        assert response.status_code == 200, name
        assert words in response.content.decode(), name
