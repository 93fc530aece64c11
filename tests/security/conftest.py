"""A small clinic with clinical content worth protecting, for the security tests."""

import io

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from clinic.models import AuditEvent, Clinic, StaffMember, User
from patients.models import (
    Assignment,
    AttentionReview,
    Completion,
    Invitation,
    Patient,
    PlanGates,
    Session,
)
from patients.outcomes.models import Response
from patients.outcomes.models import Schedule as OutcomeSchedule
from patients.outcomes.services import response_submit, schedule_create
from patients.reminders.models import Delivery, PushSubscription, ReminderSettings
from patients.reminders.services import (
    calendar_feed_reset,
    calendar_feed_token,
    reminder_settings_get_or_create,
    unsubscribe_token,
)
from patients.review.services import attention_review_record
from patients.roster.services import invitation_create
from patients.sessions.services import session_finish, session_start
from routines.models import Exercise, Routine, RoutineStep
from tests import factories
from tests.outcomes.shipped import shipped

# Clinical content and names: none of it may ever appear in the audit trail.
NOTE = "Sharp twinge in the left hip after the stairs"
GOAL = "Ease lumbar stiffness after the disc operation"
STEP_NOTE = "Keep the operated knee straight"
ACTIVITY = "Carrying the twins upstairs"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


PICTURE = _png()


def record_session(assignment: Assignment, *, pain: int = 9, note: str = NOTE) -> Session:
    """A finished session with every step done, and the patient's report."""
    session = session_start(assignment=assignment)
    factories.record_every_step(session)
    return session_finish(session=session, pain=pain, note=note, effort="hard")


@pytest.fixture
def world(
    patient,
    other_patient,
    other_clinic_patient,
    therapist,
    clinic_admin,
    superuser,
    settings,
    tmp_path,
):
    routine = factories.make_routine(patient.clinic, goal=GOAL)
    routine.steps.update(note=STEP_NOTE)
    # The first exercise has a picture, for /media/<name>.
    settings.MEDIA_ROOT = tmp_path / "media"
    exercise = routine.steps.first().exercise
    exercise.image.save("picture.png", ContentFile(PICTURE), save=True)
    assignment = factories.make_assignment(patient, routine)
    session = record_session(assignment)
    other_session = record_session(factories.make_assignment(other_patient), note="Bob's knee")
    record_session(factories.make_assignment(other_clinic_patient), note="Carol's shoulder")
    invitation, token = invitation_create(patient=patient, created_by=therapist.user)
    review = attention_review_record(
        patient=patient, reviewed_by=therapist.user, reasons=["pain_high"], last_session=session
    )
    template = factories.make_routine(patient.clinic, is_template=True)
    # Outcome measures: the function scale answered, the pain scale still due today.
    psfs = shipped("psfs")
    answered = schedule_create(assignment=assignment, questionnaire=psfs)
    outcome = response_submit(
        patient=patient,
        schedule=answered,
        answers={
            "activity-1": ACTIVITY,
            "activity-1-rating": 3,
            "activity-2": "Gardening",
            "activity-2-rating": 4,
            "activity-3": "Driving",
            "activity-3-rating": 5,
        },
    )
    nprs = shipped("nprs")
    due = schedule_create(assignment=assignment, questionnaire=nprs)
    return {
        "patient": patient,
        "assignment": assignment,
        "session": session,
        "other_session": other_session,
        "clinical": [NOTE, GOAL, STEP_NOTE, ACTIVITY, patient.first_name, patient.last_name],
        # The objects a URL's id parameters are filled with, by model.
        "prefer": {
            Patient: patient,
            Assignment: assignment,
            Session: session,
            Completion: session.completions.first(),
            Invitation: invitation,
            Routine: assignment.routine,
            RoutineStep: assignment.routine.steps.first(),
            Exercise: assignment.routine.steps.first().exercise,
            User: patient.user,
            StaffMember: therapist,
            Clinic: patient.clinic,
            AttentionReview: review,
            OutcomeSchedule: due,
            Response: outcome,
            AuditEvent: AuditEvent.objects.create(
                clinic=patient.clinic, patient=patient, action="view"
            ),
            PlanGates: PlanGates.objects.create(
                assignment=assignment, min_adherence_percent=70, pain_threshold=6
            ),
            # The invitation link's token (only its hash is stored).
            "token": token,
            "media_name": exercise.image.name,
            # The reminders' rows of the patient (the calendar reset below makes the settings).
            ReminderSettings: reminder_settings_get_or_create(patient=patient),
            Delivery: Delivery.objects.create(
                patient=patient,
                local_date=patient.clinic.today(),
                slot="07:30",
                channel="email",
                kind="scheduled",
                due_at=timezone.now(),
                next_attempt_at=timezone.now(),
            ),
            PushSubscription: PushSubscription.objects.create(
                patient=patient,
                endpoint="https://fcm.googleapis.com/fcm/send/x",
                p256dh="k",
                auth="a",
            ),
        },
        # Pages that take another object of a model than `prefer` gives: assigning starts
        # from a template (a patient's own copy is never assigned again).
        "prefer_for": {
            "staff:assign_routine": {Routine: template},
            # The reminder links' own tokens (signed, or the calendar feed's secret).
            "reminders:unsubscribe": {"token": unsubscribe_token(patient)},
            "reminders:calendar_feed": {
                "token": calendar_feed_token(calendar_feed_reset(patient=patient))
            },
        },
        "template": template,
        "outcome_schedule": due,
    }


@pytest.fixture
def roles(world, patient, therapist, clinic_admin, superuser, other_clinic_therapist):
    """Who signs in, by role name (None: anonymous)."""
    return {
        "anonymous": None,
        "patient": patient.user,
        "therapist": therapist.user,
        "clinic_admin": clinic_admin.user,
        "other_clinic_therapist": other_clinic_therapist.user,
        "superuser": superuser,
    }


@pytest.fixture
def signed_up_patient(patient, assignment):
    """A patient whose password hash the production settings know (Argon2), for tests that
    sign in through a real app server."""
    hasher = Argon2PasswordHasher()
    patient.user.password = hasher.encode(factories.PASSWORD, hasher.salt())
    patient.user.save(update_fields=["password"])
    return patient
