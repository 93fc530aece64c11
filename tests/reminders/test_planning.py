"""When reminders are due: the patient's wall clock across daylight-saving changes, a patient
in another zone than the clinic, the plan's days, pauses and ends, the second nudge,
quiet hours, and planning that is idempotent."""

import datetime
import zoneinfo

import pytest

from patients.models import AssignmentPause
from patients.reminders import schedule
from patients.reminders.models import Delivery
from patients.reminders.services import reminder_settings_update, reminders_plan
from tests import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def plan(patient):
    """Every day from January 2026 on: the patient is due a session each day."""
    return factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1))


def _choose(patient, **fields):
    values = {"channels": ["email"], "times": ["07:30"], **fields}
    return reminder_settings_update(patient=patient, **values)


def _planned(patient) -> list[tuple]:
    return list(
        Delivery.objects.filter(patient=patient)
        .order_by("due_at", "slot", "channel")
        .values_list("local_date", "slot", "channel", "due_at")
    )


def test_reminder_follows_the_wall_clock_across_spring_forward(patient, plan):
    _choose(patient)
    # Amsterdam: 07:30 is 06:30 UTC on Saturday 28 March 2026 and 05:30 UTC on Sunday 29.
    assert reminders_plan(now=utc(2026, 3, 28, 6, 30)) == 1
    assert reminders_plan(now=utc(2026, 3, 29, 5, 29)) == 0
    assert reminders_plan(now=utc(2026, 3, 29, 5, 30)) == 1
    assert [(day, due) for day, _, _, due in _planned(patient)] == [
        (datetime.date(2026, 3, 28), utc(2026, 3, 28, 6, 30)),
        (datetime.date(2026, 3, 29), utc(2026, 3, 29, 5, 30)),
    ]


def test_reminder_follows_the_wall_clock_across_fall_back(patient, plan):
    _choose(patient)
    # 07:30 is 05:30 UTC on Saturday 24 October 2026 and 06:30 UTC on Sunday 25.
    reminders_plan(now=utc(2026, 10, 24, 5, 30))
    assert reminders_plan(now=utc(2026, 10, 25, 5, 30)) == 0
    reminders_plan(now=utc(2026, 10, 25, 6, 30))
    assert [due for *_, due in _planned(patient)] == [
        utc(2026, 10, 24, 5, 30),
        utc(2026, 10, 25, 6, 30),
    ]


def test_time_in_the_spring_forward_gap_comes_once_at_the_shifted_wall_time():
    # 02:30 does not exist in Amsterdam on 29 March 2026: the clock jumps from 02:00 to 03:00.
    instant = schedule.local_instant(datetime.date(2026, 3, 29), datetime.time(2, 30), AMSTERDAM)
    assert instant == utc(2026, 3, 29, 1, 30)
    assert instant.astimezone(AMSTERDAM).strftime("%H:%M") == "03:30"


def test_time_repeated_at_fall_back_comes_once_at_its_first_occurrence():
    instant = schedule.local_instant(datetime.date(2026, 10, 25), datetime.time(2, 30), AMSTERDAM)
    assert instant == utc(2026, 10, 25, 0, 30)


def test_patient_in_another_zone_is_reminded_on_their_own_clock(patient, plan):
    # The clinic is in Amsterdam; the patient lives in New York, whose DST starts on
    # 8 March 2026, three weeks before Europe's.
    _choose(patient, timezone_name="America/New_York")
    reminders_plan(now=utc(2026, 3, 7, 12, 30))  # 07:30 EST
    reminders_plan(now=utc(2026, 3, 10, 11, 30))  # 07:30 EDT
    assert [(day, due) for day, _, _, due in _planned(patient)] == [
        (datetime.date(2026, 3, 7), utc(2026, 3, 7, 12, 30)),
        (datetime.date(2026, 3, 10), utc(2026, 3, 10, 11, 30)),
    ]
    # Planning at the clinic's 07:30 makes nothing for her.
    assert reminders_plan(now=utc(2026, 3, 11, 6, 30)) == 0


def test_plan_days_are_the_clinics_days_for_a_patient_ahead_of_the_clinic(patient):
    # Mondays only, in the clinic's calendar. The patient is in Auckland (UTC+13 in
    # January): her Tuesday 07:30 is the clinic's Monday 19:30, when a session done counts
    # for Monday. Her Monday 07:30 is the clinic's Sunday, with nothing scheduled.
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1), weekdays=0b0000001)
    _choose(patient, timezone_name="Pacific/Auckland")
    assert reminders_plan(now=utc(2026, 1, 11, 18, 30)) == 0  # her Monday 12 Jan, 07:30
    assert reminders_plan(now=utc(2026, 1, 12, 18, 30)) == 1  # her Tuesday 13 Jan, 07:30
    assert _planned(patient)[0][0] == datetime.date(2026, 1, 13)


def test_only_days_the_plan_schedules_get_a_reminder(patient):
    # Monday, Wednesday, Friday. 2 February 2026 is a Monday.
    factories.make_assignment(patient, starts_on=datetime.date(2026, 1, 1), weekdays=0b0010101)
    _choose(patient)
    made = [reminders_plan(now=utc(2026, 2, day, 6, 30)) for day in range(2, 9)]
    assert made == [1, 0, 1, 0, 1, 0, 0]


def test_patients_own_days_narrow_the_plans_days(patient, plan):
    _choose(patient, weekdays=0b0000001)  # Mondays only
    assert reminders_plan(now=utc(2026, 2, 2, 6, 30)) == 1
    assert reminders_plan(now=utc(2026, 2, 3, 6, 30)) == 0


def test_paused_and_ended_plans_get_no_reminder(patient, plan):
    _choose(patient)
    AssignmentPause.objects.create(
        assignment=plan, starts_on=datetime.date(2026, 2, 3), ends_on=datetime.date(2026, 2, 4)
    )
    assert reminders_plan(now=utc(2026, 2, 3, 6, 30)) == 0
    assert reminders_plan(now=utc(2026, 2, 5, 6, 30)) == 1
    plan.ends_on = datetime.date(2026, 2, 10)
    plan.save(update_fields=["ends_on"])
    assert reminders_plan(now=utc(2026, 2, 10, 6, 30)) == 1
    assert reminders_plan(now=utc(2026, 2, 11, 6, 30)) == 0


def test_second_nudge_only_when_the_session_is_not_done(patient, plan):
    _choose(patient, second_nudge_at=datetime.time(18, 0))
    # 2 February: not done by 18:00 (17:00 UTC): a second reminder.
    reminders_plan(now=utc(2026, 2, 2, 17, 0))
    assert [slot for _, slot, _, _ in _planned(patient)] == ["second 18:00"]
    # 3 February: done at noon: no second reminder.
    factories.make_finished_session(plan, when=utc(2026, 2, 3, 11, 0))
    assert reminders_plan(now=utc(2026, 2, 3, 17, 0)) == 0


def test_quiet_hours_hold_a_reminder_until_they_end(patient, plan):
    _choose(
        patient,
        times=["06:00"],
        quiet_from=datetime.time(22, 0),
        quiet_until=datetime.time(7, 0),
    )
    assert reminders_plan(now=utc(2026, 2, 2, 5, 0)) == 0  # 06:00: quiet
    assert reminders_plan(now=utc(2026, 2, 2, 6, 0)) == 1  # 07:00
    assert _planned(patient)[0][3] == utc(2026, 2, 2, 6, 0)


def test_planning_twice_makes_each_reminder_once(patient, plan):
    _choose(patient, channels=["email", "push"], times=["11:30", "12:00"])
    first = reminders_plan(now=utc(2026, 2, 2, 11, 0))
    again = reminders_plan(now=utc(2026, 2, 2, 11, 0))
    assert (first, again) == (4, 0)
    assert Delivery.objects.filter(patient=patient).count() == 4


def test_a_reminder_later_than_the_grace_is_not_sent(patient, plan, settings):
    settings.REMINDER_GRACE_MINUTES = 60
    _choose(patient)
    # The worker was down from 07:00 to 09:00: the 07:30 reminder is dropped, not sent late.
    assert reminders_plan(now=utc(2026, 2, 2, 8, 0)) == 0


def test_archived_patients_and_patients_without_channels_get_none(patient, other_patient, plan):
    factories.make_assignment(other_patient, starts_on=datetime.date(2026, 1, 1))
    _choose(patient)
    _choose(other_patient, channels=["calendar"])
    patient.archived_at = utc(2026, 1, 20)
    patient.save(update_fields=["archived_at"])
    assert reminders_plan(now=utc(2026, 2, 2, 6, 30)) == 0


def test_clinic_defaults_apply_until_the_patient_chooses(patient, plan):
    from patients.reminders.services import clinic_reminder_defaults_update

    clinic_reminder_defaults_update(clinic=patient.clinic, times=["09:15"], email=True)
    assert reminders_plan(now=utc(2026, 2, 2, 8, 15)) == 1
    _choose(patient, times=["10:00"])
    assert reminders_plan(now=utc(2026, 2, 3, 8, 15)) == 0
    assert reminders_plan(now=utc(2026, 2, 3, 9, 0)) == 1
