"""A clinic at benchmark scale, loaded fast: bulk inserts, and COPY on PostgreSQL.

1,000 patients with 90 days of history make about 60,000 sessions and 500,000 completions.
Model instances and `full_clean()` would take minutes for that, so sessions and completions
are written as plain rows with ids chosen here; every row still satisfies the database's
constraints, and the sequences are moved past the new ids afterwards.
"""

import datetime
import itertools
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from clinic.models import Clinic, StaffMember, User
from patients.models import ALL_WEEKDAYS, Assignment, Completion, Patient, Session
from routines.builder.services import STEP_COPY_FIELDS
from routines.models import Routine, RoutineStep

SCALE_PASSWORD = "stretch-at-scale-2026"
TEMPLATE_NAME = "Daily back care"
MON_WED_FRI = 0b0010101
BATCH = 5000
EFFORTS = ("easy", "right", "right", "hard")

FIRST_NAMES = ["Anna", "Bram", "Carla", "Daan", "Eva", "Finn", "Greta", "Hugo", "Iris", "Joris"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos"]


@dataclass(frozen=True)
class Scale:
    """Which scale clinic: its name and its users' names follow from the size, and from
    its number when a database holds several of the same size (the first has none)."""

    patients: int
    days: int
    number: int = 1

    @property
    def clinic_name(self) -> str:
        nth = f" {self.number}" if self.number > 1 else ""
        return f"Limber Scale Clinic{nth} ({self.patients} patients, {self.days} days)"

    @property
    def prefix(self) -> str:
        nth = f"-c{self.number}" if self.number > 1 else ""
        return f"scale-{self.patients}x{self.days}{nth}"

    @property
    def seed(self) -> str:
        nth = f"-{self.number}" if self.number > 1 else ""
        return f"limber-scale-{self.patients}-{self.days}{nth}"

    @property
    def physio_username(self) -> str:
        return f"{self.prefix}-physio"

    @property
    def admin_username(self) -> str:
        return f"{self.prefix}-admin"

    def patient_username(self, number: int) -> str:
        return f"{self.prefix}-patient-{number:05d}"


@dataclass(frozen=True)
class Profile:
    """How one generated patient keeps their plan."""

    chance: float  # of doing a scheduled session
    lapsing: bool  # slows down towards the end
    weekdays: int
    sessions_per_day: int
    pain_start: int
    pain_end: int


def scale_clinic(scale: Scale) -> Clinic | None:
    return Clinic.objects.filter(name=scale.clinic_name).first()


def scale_load(*, scale: Scale, analyze: bool = True) -> tuple[Clinic, bool]:
    """The scale clinic, loaded now unless it is already there. Returns it and whether it
    was created. `analyze=False` leaves PostgreSQL's statistics to the caller, who loads
    several clinics and analyzes once at the end (`scale_analyze`)."""
    existing = scale_clinic(scale)
    if existing is not None:
        return existing, False
    with transaction.atomic():
        clinic = _load(scale)
    if analyze:
        scale_analyze()
    return clinic, True


def scale_analyze() -> None:
    """Fresh statistics, or the planner guesses at half a million new rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _load(scale: Scale) -> Clinic:
    rng = random.Random(scale.seed)
    clinic = Clinic.objects.create(name=scale.clinic_name, timezone="Europe/Amsterdam")
    # One slow Argon2 hash, shared: hashing a thousand passwords would take a minute.
    password = make_password(SCALE_PASSWORD)
    physio = _staff(clinic, scale.physio_username, password, StaffMember.Role.PHYSIOTHERAPIST)
    _staff(clinic, scale.admin_username, password, StaffMember.Role.CLINIC_ADMIN)

    users = User.objects.bulk_create(
        User(
            username=scale.patient_username(number),
            password=password,
            first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[number % len(LAST_NAMES)],
        )
        for number in range(1, scale.patients + 1)
    )
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            physiotherapist=physio,
            user=user,
            first_name=user.first_name,
            last_name=f"{user.last_name} {number}",
            email=f"{user.username}@example.com",
        )
        for number, user in enumerate(users, start=1)
    )

    template = Routine.objects.get(clinic=None, name=TEMPLATE_NAME)
    template_steps = list(template.steps.filter(archived_at__isnull=True))
    routines = Routine.objects.bulk_create(
        Routine(
            clinic=clinic,
            name=template.name,
            goal=template.goal,
            is_template=False,
            copied_from=template,
            created_by=physio.user,
        )
        for _ in patients
    )
    RoutineStep.objects.bulk_create(
        (
            RoutineStep(
                routine=routine, **{field: getattr(step, field) for field in STEP_COPY_FIELDS}
            )
            for routine in routines
            for step in template_steps
        ),
        batch_size=BATCH,
    )
    today = clinic.today()
    first_day = today - datetime.timedelta(days=scale.days)
    profiles = [_profile(rng) for _ in patients]
    assignments = Assignment.objects.bulk_create(
        Assignment(
            patient=patient,
            routine=routine,
            starts_on=first_day,
            weekdays=profile.weekdays,
            sessions_per_day=profile.sessions_per_day,
            created_by=physio.user,
        )
        for patient, routine, profile in zip(patients, routines, profiles, strict=True)
    )

    steps_by_routine: dict[int, list[RoutineStep]] = {}
    for step in RoutineStep.objects.filter(routine__clinic=clinic).select_related("exercise"):
        steps_by_routine.setdefault(step.routine_id, []).append(step)

    sessions: list[dict] = []
    plans: list[tuple] = []
    session_id = _next_id(Session)
    for assignment, profile in zip(assignments, profiles, strict=True):
        steps = sorted(steps_by_routine[assignment.routine_id], key=lambda step: step.position)
        parts = sum(step.sets * len(step.side_names) for step in steps)
        duration = sum(
            (step.hold_seconds + step.rest_between_sets_seconds) * step.sets * len(step.side_names)
            for step in steps
        )
        for offset in range(scale.days):
            day = first_day + datetime.timedelta(days=offset)
            if not profile.weekdays & (1 << day.weekday()):
                continue
            chance = profile.chance
            if profile.lapsing:
                chance *= 1 - offset / scale.days
            for sitting in range(profile.sessions_per_day):
                if rng.random() >= chance:
                    continue
                pain = profile.pain_start + (profile.pain_end - profile.pain_start) * (
                    offset / scale.days
                )
                pain = min(10, max(0, round(pain) + rng.choice((-1, 0, 0, 0, 1))))
                started = datetime.datetime.combine(
                    day, datetime.time(7 + 11 * sitting, rng.randrange(60)), clinic.zone
                )
                # Now and then a session is left unfinished, part of the way through.
                abandoned = rng.random() < 0.03
                done = rng.randrange(1, parts) if abandoned else parts
                finished = started + datetime.timedelta(seconds=duration + 60)
                sessions.append(
                    {
                        "id": session_id,
                        "patient_id": assignment.patient_id,
                        "assignment_id": assignment.id,
                        "local_date": day,
                        "started_at": started,
                        "finished_at": None if abandoned else finished,
                        "pain": None if abandoned else pain,
                        "effort": ""
                        if abandoned
                        else rng.choice(("easy", "right", "right", "hard")),
                        "note": "",
                        "flagged": not abandoned and pain >= 7,
                    }
                )
                plans.append(
                    (session_id, assignment.patient_id, steps, started, done, rng.getrandbits(64))
                )
                session_id += 1

    _insert(Session, sessions)
    _insert(Completion, _completions(plans, first_id=_next_id(Completion)))
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Session, Completion]):
            cursor.execute(statement)
    return clinic


def _staff(clinic: Clinic, username: str, password: str, role: str) -> StaffMember:
    user = User.objects.create(
        username=username,
        password=password,
        first_name="Scale",
        last_name=role.title(),
        email=f"{username}@example.com",
        is_staff=True,
    )
    return StaffMember.objects.create(user=user, clinic=clinic, role=role)


def _profile(rng: random.Random) -> Profile:
    pain_start = rng.randint(2, 7)
    return Profile(
        chance=rng.uniform(0.5, 0.98),
        lapsing=rng.random() < 0.1,
        weekdays=ALL_WEEKDAYS if rng.random() < 0.85 else MON_WED_FRI,
        sessions_per_day=2 if rng.random() < 0.1 else 1,
        pain_start=pain_start,
        pain_end=min(10, max(0, pain_start + rng.choice((-3, -2, -2, -1, 0, 1, 3)))),
    )


def _completions(plans: list[tuple], *, first_id: int) -> Iterator[dict]:
    """Every side of every set of every step of each planned session, in order, as rows;
    generated lazily, since half a million of them would not fit comfortably in memory."""
    number = first_id
    for session_id, patient_id, steps, started, done, seed in plans:
        rng = random.Random(seed)
        moment = started
        parts = (
            (step, set_number, side)
            for step in steps
            for set_number in range(1, step.sets + 1)
            for side in step.side_names
        )
        for step, set_number, side in itertools.islice(parts, done):
            moment += datetime.timedelta(seconds=step.hold_seconds + step.rest_between_sets_seconds)
            skipped = rng.random() < 0.04
            yield {
                "id": number,
                "client_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "session_id": session_id,
                "patient_id": patient_id,
                "step_id": step.id,
                "exercise_id": step.exercise_id,
                "side": side,
                "set_number": set_number,
                "status": "skipped" if skipped else "done",
                "skip_reason": "no_time" if skipped else "",
                "recorded_at": moment,
                "exercise_name": step.exercise.name,
                "hold_seconds": step.hold_seconds,
                "repetitions": step.repetitions,
                "sides": step.sides,
            }
            number += 1


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(last=models.Max("id"))["last"] or 0) + 1


def _insert(model: type[models.Model], rows: Iterable[dict]) -> None:
    """Write rows given by attribute name; fields they leave out get their defaults, so a
    column added to the model later does not break the loader."""
    fields = model._meta.concrete_fields
    defaults = {
        field.attname: timezone.now()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        else field.get_default()
        for field in fields
    }
    attnames = [field.attname for field in fields]
    values = ([row.get(name, defaults[name]) for name in attnames] for row in rows)
    if connection.vendor == "postgresql":
        _copy(model, [field.column for field in fields], values)
    else:
        instances = (model(**dict(zip(attnames, row, strict=True))) for row in values)
        while batch := list(itertools.islice(instances, BATCH)):
            model.objects.bulk_create(batch)


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[list]) -> None:
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
