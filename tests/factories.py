"""Plain builders for test data: each makes one valid object with sensible defaults."""

import datetime
import itertools
import uuid

from django.utils import timezone

from clinic.models import Clinic, StaffMember, User
from patients.models import Assignment, Patient, Session
from patients.plans.services import assignment_create
from patients.sessions.services import completion_record, session_finish, session_start
from routines.models import Exercise, Routine, RoutineStep

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_clinic(name: str | None = None, timezone_name: str = "Europe/Amsterdam") -> Clinic:
    return Clinic.objects.create(name=name or f"Clinic {next(_numbers)}", timezone=timezone_name)


def make_user(username: str | None = None, **fields) -> User:
    return User.objects.create_user(
        username=username or f"user{next(_numbers)}", password=PASSWORD, **fields
    )


def make_staff(
    clinic: Clinic, role: str = StaffMember.Role.PHYSIOTHERAPIST, **fields
) -> StaffMember:
    user = make_user(is_staff=True, first_name="Sam", last_name="Staff", **fields)
    return StaffMember.objects.create(user=user, clinic=clinic, role=role)


def make_patient(
    clinic: Clinic, physiotherapist: StaffMember | None = None, *, account=True, **fields
):
    number = next(_numbers)
    patient = Patient.objects.create(
        clinic=clinic,
        physiotherapist=physiotherapist,
        first_name=fields.pop("first_name", "Pat"),
        last_name=fields.pop("last_name", f"Patient {number}"),
        **fields,
    )
    if account:
        patient.user = make_user(f"patient{number}")
        patient.save(update_fields=["user"])
    return patient


def make_exercise(clinic: Clinic | None, **fields) -> Exercise:
    fields.setdefault("name", f"Exercise {next(_numbers)}")
    fields.setdefault("body_region", "lower_back")
    fields.setdefault("instructions", "Do it gently.")
    return Exercise.objects.create(clinic=clinic, **fields)


def make_routine(
    clinic: Clinic | None, steps: int = 3, is_template: bool = True, **fields
) -> Routine:
    routine = Routine.objects.create(
        clinic=clinic,
        name=fields.pop("name", f"Routine {next(_numbers)}"),
        is_template=is_template,
        **fields,
    )
    for position in range(1, steps + 1):
        RoutineStep.objects.create(
            routine=routine,
            exercise=make_exercise(clinic),
            position=position,
            hold_seconds=20,
            sets=1,
            sides="both",
        )
    return routine


def make_assignment(patient: Patient, routine: Routine | None = None, **fields) -> Assignment:
    routine = routine or make_routine(patient.clinic)
    fields.setdefault("starts_on", patient.clinic.today() - datetime.timedelta(days=30))
    return assignment_create(patient=patient, routine=routine, **fields)


def record_every_step(session: Session) -> None:
    """Do every side of every set of every step of the session's routine."""
    for step in session.assignment.routine.steps.filter(archived_at__isnull=True).select_related(
        "exercise"
    ):
        for set_number in range(1, step.sets + 1):
            for side in step.side_names:
                completion_record(
                    session=session,
                    step=step,
                    client_id=uuid.uuid4(),
                    side=side,
                    set_number=set_number,
                    recorded_at=session.started_at,
                )


def make_finished_session(
    assignment: Assignment, when: datetime.datetime | None = None, pain=2
) -> Session:
    """A session in which every step was done, then finished."""
    session = session_start(assignment=assignment, started_at=when or timezone.now())
    record_every_step(session)
    return session_finish(session=session, pain=pain, finished_at=session.started_at)


def totp_device(user: User):
    """The user's confirmed authenticator (made if they have none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def totp_code(device) -> str:
    """The code the user's phone shows now for `device` (RFC 6238, as the app computes it)."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def verify_second_step(client, user: User) -> None:
    """Mark `client`'s session verified for a staff `user`, as django_otp.login() would."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from clinic.accounts.signin import is_staff_user

    if not is_staff_user(user):
        return
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="tests", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.pop("limber_two_factor_pending", None)
    session.save()


def summary_writes(count: int) -> int:
    """Statements that write `count` staff home summaries (patients.review.adherence
    summaries_refresh): Django splits a bulk write to keep under the database's limit of
    parameters a statement (999 on SQLite; 65,535 on PostgreSQL with server-side binding)."""
    from django.db import connection

    from patients.models import PatientSummary

    if count == 0:
        return 1
    fields = PatientSummary._meta.concrete_fields
    per_statement = connection.ops.bulk_batch_size(fields, [None] * count)
    return -(-count // per_statement)
