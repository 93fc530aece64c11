import datetime
import random
import uuid

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic, StaffMember, User
from patients.models import Completion, Patient, Session
from patients.outcomes.models import Questionnaire, Response, Schedule
from patients.plans.services import assignment_create
from routines.models import Routine

DEMO_CLINIC = "Limber Demo Clinic"
DEMO_PASSWORD = "stretch-daily-2026"
HISTORY_DAYS = 60
MON_WED_FRI = 0b0010101
EVERY_DAY = 0b1111111
OUTCOME_WEEKS = 2  # the pain scale is asked at the start and every two weeks

# (first name, last name, chance of doing a scheduled session, weekdays, sessions/day, pain)
# "pain" is (start, end) over the history: most patients improve, one gets worse.
PATIENTS = [
    ("Anna", "de Vries", 0.95, EVERY_DAY, 1, (4, 1)),
    ("Bram", "Jansen", 0.9, MON_WED_FRI, 1, (5, 2)),
    ("Carla", "Bakker", 0.85, EVERY_DAY, 2, (3, 1)),
    ("Daan", "Visser", 0.8, MON_WED_FRI, 1, (6, 3)),
    ("Eva", "Smit", 0.75, EVERY_DAY, 1, (4, 2)),
    ("Finn", "Meijer", 0.9, EVERY_DAY, 1, (2, 2)),
    ("Greta", "Mulder", 0.5, EVERY_DAY, 1, (5, 4)),
    ("Hugo", "de Boer", 0.4, MON_WED_FRI, 1, (6, 5)),
    ("Iris", "Bos", 0.85, MON_WED_FRI, 1, (3, 7)),  # rising pain
    ("Joris", "Vos", 0.3, EVERY_DAY, 1, (5, 5)),
    ("Kim", "Peters", 0.0, MON_WED_FRI, 1, (4, 4)),  # stopped: lapsing
    ("Lotte", "Hendriks", 0.7, EVERY_DAY, 1, (3, 2)),
]


class Command(BaseCommand):
    help = "Create a demo clinic with staff, patients and 60 days of history. Safe to run twice."

    def handle(self, *args, **options):
        if Clinic.objects.filter(name=DEMO_CLINIC).exists():
            self.stdout.write("The demo clinic is already there; nothing changed.")
        else:
            self.create_demo()
            self.stdout.write(self.style.SUCCESS("Created the demo clinic."))
        self.stdout.write(
            "\nSign in at /login/ with one of these (password for all: "
            f"{DEMO_PASSWORD}):\n"
            "  physio       a physiotherapist\n"
            "  clinicadmin  the clinic admin\n"
            "  anna         a patient\n"
            "\nStaff confirm their sign-in with a code from an authenticator app: clinic\n"
            "admins always, and everyone in the Django admin (/admin/). At the first such\n"
            "sign-in Limber shows a QR code to scan (FreeOTP, Aegis, Google or Microsoft\n"
            "Authenticator; the key is shown as text too), then ten recovery codes. The\n"
            "physiotherapist and the patient sign in with their password only.\n"
        )

    @transaction.atomic
    def create_demo(self) -> None:
        rng = random.Random(20261125)  # the same believable history on every install
        clinic = Clinic.objects.create(name=DEMO_CLINIC, timezone="Europe/Amsterdam")
        physio = self.staff(clinic, "physio", "Sanne", "Dekker", StaffMember.Role.PHYSIOTHERAPIST)
        self.staff(clinic, "clinicadmin", "Tom", "Willems", StaffMember.Role.CLINIC_ADMIN)
        template = Routine.objects.get(clinic=None, name="Daily back care")
        today = clinic.today()
        start = today - datetime.timedelta(days=HISTORY_DAYS)

        nprs = Questionnaire.objects.get(clinic=None, code="nprs")
        nprs_version = nprs.versions.latest("id")

        sessions, completions, responses = [], [], []
        for first, last, chance, weekdays, per_day, pain in PATIENTS:
            patient = Patient.objects.create(
                clinic=clinic,
                physiotherapist=physio,
                first_name=first,
                last_name=last,
                email=f"{first.lower()}@example.com",
            )
            if first == "Anna":
                patient.user = User.objects.create_user(
                    "anna", password=DEMO_PASSWORD, first_name=first, last_name=last
                )
                patient.save(update_fields=["user"])
            assignment = assignment_create(
                patient=patient,
                routine=template,
                starts_on=start,
                weekdays=weekdays,
                sessions_per_day=per_day,
                created_by=physio.user,
            )
            schedule = Schedule.objects.create(
                assignment=assignment,
                questionnaire=nprs,
                at_start=True,
                every_weeks=OUTCOME_WEEKS,
                at_end=False,
                created_by=physio.user,
            )
            responses.extend(
                self.pain_scores(schedule, nprs_version, pain, chance, leave_latest=first == "Anna")
            )
            steps = list(assignment.routine.steps.select_related("exercise"))
            for offset in range(HISTORY_DAYS):
                day = start + datetime.timedelta(days=offset)
                if not weekdays & (1 << day.weekday()):
                    continue
                # Lapsing patients slow down towards the end.
                fading = chance if chance >= 0.6 else chance * (1 - offset / HISTORY_DAYS)
                for sitting in range(per_day):
                    if rng.random() >= fading:
                        continue
                    started = datetime.datetime.combine(
                        day, datetime.time(7 + 10 * sitting, rng.randrange(60)), clinic.zone
                    )
                    if started > timezone.now() - datetime.timedelta(minutes=10):
                        continue
                    session = Session(
                        patient=patient,
                        assignment=assignment,
                        local_date=day,
                        started_at=started,
                        finished_at=started + datetime.timedelta(minutes=8),
                        pain=round(pain[0] + (pain[1] - pain[0]) * offset / HISTORY_DAYS),
                        effort=rng.choice(["easy", "right", "right", "hard"]),
                    )
                    session.flagged = session.pain >= 7
                    sessions.append(session)
                    completions.extend(self.completions(session, steps, started, rng))
        Session.objects.bulk_create(sessions)
        Completion.objects.bulk_create(completions)
        Response.objects.bulk_create(responses)

    def pain_scores(self, schedule, version, pain, chance, *, leave_latest: bool) -> list:
        """The Numeric Pain Rating Scale every two weeks, following the patient's pain. Those
        who stopped exercising stopped answering too; Anna's latest is left for the demo's
        Today page to ask."""
        assignment = schedule.assignment
        clinic = assignment.patient.clinic
        marks = range(0, HISTORY_DAYS, 7 * OUTCOME_WEEKS)
        if leave_latest:
            marks = marks[:-1]
        responses = []
        for offset in marks:
            if chance < 0.2 and offset:
                continue
            day = assignment.starts_on + datetime.timedelta(days=offset)
            score = round(pain[0] + (pain[1] - pain[0]) * offset / HISTORY_DAYS)
            answered = datetime.datetime.combine(day, datetime.time(7, 5), clinic.zone)
            responses.append(
                Response(
                    patient=assignment.patient,
                    version=version,
                    schedule=schedule,
                    due_on=day,
                    local_date=day,
                    answered_at=answered,
                    answers={"pain": score},
                    score=score,
                )
            )
        return responses

    def staff(self, clinic, username, first, last, role) -> StaffMember:
        user = User.objects.create_user(
            username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            is_staff=True,
        )
        return StaffMember.objects.create(user=user, clinic=clinic, role=role)

    def completions(self, session, steps, started, rng):
        moment = started
        for step in steps:
            for set_number in range(1, step.sets + 1):
                for side in step.side_names:
                    moment += datetime.timedelta(
                        seconds=step.hold_seconds + step.rest_between_sets_seconds
                    )
                    skipped = rng.random() < 0.05
                    yield Completion(
                        client_id=uuid.UUID(int=rng.getrandbits(128)),
                        session=session,
                        patient=session.patient,
                        step=step,
                        exercise=step.exercise,
                        side=side,
                        set_number=set_number,
                        status="skipped" if skipped else "done",
                        skip_reason="no_time" if skipped else "",
                        recorded_at=moment,
                        exercise_name=step.exercise.name,
                        hold_seconds=step.hold_seconds,
                        repetitions=step.repetitions,
                        sides=step.sides,
                    )
