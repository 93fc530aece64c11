import time

from django.core.management.base import BaseCommand

from clinic.benchmark.scale import SCALE_PASSWORD, Scale, scale_load
from patients.models import Completion, Patient, Session


class Command(BaseCommand):
    help = (
        "Load a clinic at benchmark scale (by default 1,000 patients and 90 days of history, "
        "about 500,000 completions), fast. Safe to run twice: an existing one is reused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, patients: int, days: int, **options):
        scale = Scale(patients=patients, days=days)
        began = time.perf_counter()
        clinic, created = scale_load(scale=scale)
        if created:
            seconds = time.perf_counter() - began
            self.stdout.write(self.style.SUCCESS(f"Loaded {clinic} in {seconds:.1f} s."))
        else:
            self.stdout.write(f"{clinic} is already there; nothing changed.")
        sessions = Session.objects.filter(patient__clinic=clinic).count()
        completions = Completion.objects.filter(patient__clinic=clinic).count()
        patient_count = Patient.objects.filter(clinic=clinic).count()
        self.stdout.write(
            f"{patient_count} patients, {sessions} sessions, {completions} completions.\n"
            f"Sign in as {scale.physio_username}, {scale.admin_username} or "
            f"{scale.patient_username(1)} (password: {SCALE_PASSWORD})."
        )
