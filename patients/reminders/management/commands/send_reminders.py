"""Plan and send due reminders: once, or in a loop (a worker without django-q2's cluster)."""

import time

from django.core.management.base import BaseCommand

from patients.reminders.services import reminders_plan, reminders_send_due


class Command(BaseCommand):
    help = "Plan the reminders that have fallen due and send every due reminder."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument("--no-plan", action="store_true", help="Only send; plan nothing.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between passes.")

    def handle(self, *args, **options):
        while True:
            planned = 0 if options["no_plan"] else reminders_plan()
            handled = reminders_send_due()
            self.stdout.write(f"planned {planned}, handled {handled}")
            if options["once"]:
                return
            time.sleep(options["interval"])
