"""seed_scale at a tiny scale: consistent data that the constraints and services accept."""

import datetime
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command

from clinic.benchmark.scale import SCALE_PASSWORD, Scale, scale_load
from clinic.models import Clinic, StaffMember
from patients.models import Completion, Patient, Session
from patients.sessions.services import completion_record, session_start

pytestmark = pytest.mark.django_db

TINY = Scale(patients=5, days=3)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("clinic", "routines", "patients")
    }


@pytest.fixture
def tiny_clinic(capsys):
    call_command("seed_scale", patients=TINY.patients, days=TINY.days)
    assert "Loaded" in capsys.readouterr().out
    return Clinic.objects.get(name=TINY.clinic_name)


def test_seed_scale_creates_patients_with_accounts_and_their_own_plans(tiny_clinic):
    roles = set(StaffMember.objects.filter(clinic=tiny_clinic).values_list("role", flat=True))
    assert roles == {"physio", "admin"}
    patients = list(Patient.objects.filter(clinic=tiny_clinic).select_related("user"))
    assert len(patients) == TINY.patients
    assert {p.user.username for p in patients} == {
        TINY.patient_username(n) for n in range(1, TINY.patients + 1)
    }
    assert patients[0].user.check_password(SCALE_PASSWORD)
    for patient in patients:
        (assignment,) = patient.assignments.select_related("routine")
        assert assignment.routine.clinic == tiny_clinic
        assert not assignment.routine.is_template
        assert assignment.routine.copied_from.name == "Daily back care"
        assert assignment.routine.steps.count() == assignment.routine.copied_from.steps.count()
        assert assignment.starts_on == tiny_clinic.today() - datetime.timedelta(days=TINY.days)


def test_seed_scale_history_is_consistent(tiny_clinic):
    sessions = Session.objects.filter(patient__clinic=tiny_clinic).select_related("assignment")
    assert sessions.exists()
    today = tiny_clinic.today()
    for session in sessions:
        assert session.assignment.patient_id == session.patient_id
        assert today - datetime.timedelta(days=TINY.days) <= session.local_date < today
        assert session.assignment.runs_on_weekday(session.local_date.weekday())
        assert session.started_at.astimezone(tiny_clinic.zone).date() == session.local_date
        assert session.flagged == (session.pain is not None and session.pain >= 7)
        completions = list(session.completions.select_related("step"))
        parts = sum(s.sets * len(s.side_names) for s in session.assignment.routine.steps.all())
        if session.is_finished:
            assert len(completions) == parts
            assert all(c.recorded_at < session.finished_at for c in completions)
        else:
            assert 1 <= len(completions) < parts
        for completion in completions:
            assert completion.patient_id == session.patient_id
            assert completion.step.routine_id == session.assignment.routine_id
            assert completion.exercise_id == completion.step.exercise_id
            assert completion.hold_seconds == completion.step.hold_seconds
            assert completion.recorded_at > session.started_at


def test_seed_scale_leaves_the_services_working(tiny_clinic):
    """Ids were chosen by the loader: new rows must still get fresh ones."""
    patient = Patient.objects.filter(clinic=tiny_clinic).first()
    assignment = patient.assignments.get()
    session = session_start(assignment=assignment)
    step = assignment.routine.steps.first()
    completion, created = completion_record(
        session=session, step=step, client_id=uuid.uuid4(), side=step.side_names[0]
    )
    assert created
    assert completion.id > Completion.objects.exclude(id=completion.id).latest("id").id


def test_seed_scale_run_twice_changes_nothing(tiny_clinic, capsys):
    before = row_counts()
    call_command("seed_scale", patients=TINY.patients, days=TINY.days)
    assert row_counts() == before
    assert "nothing changed" in capsys.readouterr().out


def test_scale_clinics_of_one_size_load_side_by_side(tiny_clinic):
    """The many-clinic database holds several clinics of the same size: each its own."""
    second = Scale(patients=TINY.patients, days=TINY.days, number=2)
    clinic, created = scale_load(scale=second, analyze=False)
    assert created
    assert clinic != tiny_clinic
    assert clinic.name == f"Limber Scale Clinic 2 ({TINY.patients} patients, {TINY.days} days)"
    usernames = set(Patient.objects.filter(clinic=clinic).values_list("user__username", flat=True))
    assert usernames == {second.patient_username(n) for n in range(1, TINY.patients + 1)}
    assert all(name.startswith("scale-5x3-c2-patient-") for name in usernames)
    assert Session.objects.filter(patient__clinic=clinic).exists()
    assert scale_load(scale=second) == (clinic, False)
