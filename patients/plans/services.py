"""Writes on patients' plans: assigning a routine, and changing a running plan (schedule,
pause, resume, end), each change noted for the patient (the "plan changed" notice)."""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import ALL_WEEKDAYS, Assignment, AssignmentPause, Patient
from routines.builder.services import routine_copy
from routines.models import Routine
from routines.progression.services import progression_rules_copy


def routine_assignable_problem(routine: Routine, *, patient: Patient) -> str | None:
    """Why `routine` cannot be given to `patient`, in words for staff; None when it can.

    Pages, the API and the admin all ask this before assigning (and assignment_create asks
    again), so each refuses an empty routine, another patient's plan or another clinic's
    routine with the same message."""
    if routine.clinic_id not in (None, patient.clinic_id) or routine.archived_at is not None:
        return _("Choose one of your clinic's routines.")
    if not routine.is_template and routine.assignments.exists():
        return _("This routine is another patient's plan: choose a template or a draft.")
    if not routine.steps.filter(archived_at__isnull=True).exists():
        return _("This routine has no exercises yet: add at least one before assigning it.")
    return None


def assignment_validate(
    *,
    patient: Patient,
    routine: Routine | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> None:
    """Raise a ValidationError (per field) for an assignment the clinic must not make."""
    errors = {}
    if patient.archived_at is not None:
        errors["patient"] = _("Restore this patient before assigning a routine.")
    if routine is not None:
        problem = routine_assignable_problem(routine, patient=patient)
        if problem:
            errors["routine"] = problem
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end comes after the start.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assignment_create(
    *,
    patient: Patient,
    routine: Routine,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    weekdays: int = ALL_WEEKDAYS,
    sessions_per_day: int = 1,
    created_by: AbstractBaseUser | None = None,
) -> Assignment:
    """Put a patient on a routine. The patient always gets their own copy of it; an empty
    routine, another patient's plan or another clinic's routine is refused."""
    assignment_validate(patient=patient, routine=routine, starts_on=starts_on, ends_on=ends_on)
    own_copy = routine_copy(
        routine=routine, clinic=patient.clinic, is_template=False, created_by=created_by
    )
    progression_rules_copy(source=routine, copy=own_copy)
    assignment = Assignment(
        patient=patient,
        routine=own_copy,
        starts_on=starts_on,
        ends_on=ends_on,
        weekdays=weekdays,
        sessions_per_day=sessions_per_day,
        created_by=created_by,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def _tell_patient(assignment: Assignment, summary: str) -> None:
    earlier = assignment.change_summary.splitlines() if assignment.has_unseen_change else []
    assignment.change_summary = "\n".join([*earlier, summary][-10:])
    assignment.changed_at = timezone.now()


@transaction.atomic
def assignment_schedule(
    *,
    assignment: Assignment,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    weekdays: int,
    sessions_per_day: int,
) -> Assignment:
    """Change a plan's schedule; the patient is told on their next visit."""
    assignment.starts_on = starts_on
    assignment.ends_on = ends_on
    assignment.weekdays = weekdays
    assignment.sessions_per_day = sessions_per_day
    _tell_patient(assignment, _("Your schedule changed."))
    assignment.full_clean()
    assignment.save()
    return assignment


def open_pause(assignment: Assignment) -> AssignmentPause | None:
    return assignment.pauses.filter(ends_on__isnull=True).first()


@transaction.atomic
def assignment_pause(*, assignment: Assignment) -> AssignmentPause:
    """Pause from today until resumed."""
    if open_pause(assignment) is not None:
        raise ValidationError(_("This plan is already paused."))
    pause = AssignmentPause(assignment=assignment, starts_on=assignment.patient.clinic.today())
    pause.full_clean()
    pause.save()
    return pause


@transaction.atomic
def assignment_resume(*, assignment: Assignment) -> None:
    """Close the open pause: scheduled again from today. A pause begun today leaves no trace."""
    pause = open_pause(assignment)
    if pause is None:
        raise ValidationError(_("This plan is not paused."))
    today = assignment.patient.clinic.today()
    if pause.starts_on >= today:
        pause.delete()
        return
    pause.ends_on = today - datetime.timedelta(days=1)
    pause.save(update_fields=["ends_on"])


@transaction.atomic
def assignment_end(*, assignment: Assignment) -> Assignment:
    """End the plan today (or on its first day, if it has not started yet)."""
    today = assignment.patient.clinic.today()
    assignment.ends_on = max(today, assignment.starts_on)
    assignment.full_clean()
    assignment.save(update_fields=["ends_on"])
    return assignment


@transaction.atomic
def assignment_change_seen(*, assignment: Assignment) -> Assignment:
    assignment.change_seen_at = timezone.now()
    assignment.save(update_fields=["change_seen_at"])
    return assignment
