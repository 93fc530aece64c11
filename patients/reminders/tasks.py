"""What the worker (django-q2's qcluster) runs: every minute, and right after a staff nudge."""

from .services import reminders_plan, reminders_send_due


def plan_and_send_reminders() -> str:
    """The every-minute schedule: plan what has fallen due, then send everything due."""
    planned = reminders_plan()
    sent = reminders_send_due()
    return f"planned {planned}, handled {sent}"


def send_due_reminders() -> str:
    return f"handled {reminders_send_due()}"
