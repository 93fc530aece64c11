"""The staff home page's stored summaries (issue 21): the same figures as a computation from
scratch after every kind of change, through the real doors; nothing stale after a change
or a new day; a query count that does not follow the number of patients."""

import datetime
import random
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from patients.models import Assignment, PatientSummary
from patients.plans import services as plans
from patients.review.adherence import clinic_overview
from patients.review.services import attention_review_record
from patients.sessions.services import session_finish, session_start
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
DAYS = 21


def figures(row) -> tuple:
    return (
        row.patient.pk,
        row.week,
        row.month,
        row.streak,
        row.last_session_id,
        row.last_session_on,
        row.latest_pain,
        row.pain_trend,
        row.average_pain,
        [(reason.code, reason.text) for reason in row.reasons],
    )


def stored(clinic) -> list[tuple]:
    return [figures(row) for row in clinic_overview(clinic=clinic)]


def from_scratch(clinic) -> list[tuple]:
    return [figures(row) for row in clinic_overview(clinic=clinic, cached=False)]


def assert_current(clinic) -> list[tuple]:
    now = stored(clinic)
    assert now == from_scratch(clinic)
    return now


@pytest.fixture
def now_is(monkeypatch):
    """Set the clock: every "now" (and so every clinic's today) is `moment`."""

    def now_is(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return now_is


def at(clinic, day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), clinic.zone)


def test_summaries_equal_a_computation_from_scratch_over_a_random_history(
    now_is, clinic, other_clinic, therapist
):
    """Three weeks of random history in two clinics of different time zones, written through
    the services: plans of random days and sessions a day, pauses (closed and open), sessions
    early and late in the clinic's day, finished or not, with pains, reviews; checked after
    each day and at each change of day."""
    rng = random.Random(21)
    first_day = datetime.date(2026, 3, 2)
    now_is(at(clinic, first_day, 6))
    clinics = [clinic, other_clinic]
    plans_of = {}
    for place in clinics:
        physio = therapist if place == clinic else factories.make_staff(place)
        for number in range(6):
            patient = factories.make_patient(
                place, physio, account=False, last_name=f"{rng.choice('ABab')}{number}"
            )
            plans_of[patient.pk] = factories.make_assignment(
                patient,
                routine=factories.make_routine(place, steps=1),
                starts_on=first_day + rng.randrange(0, 5) * DAY,
                weekdays=rng.choice([0b1111111, 0b0010101, 0b1100000]),
                sessions_per_day=rng.choice([1, 1, 2]),
            )
    for offset in range(DAYS):
        day = first_day + offset * DAY
        for place in clinics:
            # Early and late on the clinic's own day (a UTC date would differ).
            for hour in (1, 23):
                now_is(at(place, day, hour))
                for assignment in Assignment.objects.filter(patient__clinic=place):
                    _random_event(rng, assignment, place, day)
            assert_current(place)
    # Reviews of whatever needs attention now, then a new day: everything moves.
    for place in clinics:
        for row in clinic_overview(clinic=place):
            if row.reasons:
                attention_review_record(
                    patient=row.patient,
                    reviewed_by=therapist.user,
                    reasons=[reason.code for reason in row.reasons],
                    last_session=None,
                )
        assert_current(place)
    for days in (1, 3, 30):
        now_is(at(clinic, first_day + (DAYS - 1 + days) * DAY, 12))
        for place in clinics:
            assert_current(place)


def _random_event(rng, assignment, clinic, day) -> None:
    assignment.refresh_from_db()
    roll = rng.random()
    try:
        if roll < 0.3:
            session = session_start(assignment=assignment)
            if rng.random() < 0.8:
                factories.record_every_step(session)
                pain = rng.choice([None, 0, 2, 4, 7, 9])
                session_finish(session=session, pain=pain)
        elif roll < 0.33:
            plans.assignment_pause(assignment=assignment)
        elif roll < 0.38:
            plans.assignment_resume(assignment=assignment)
        elif roll < 0.39:
            plans.assignment_schedule(
                assignment=assignment,
                starts_on=assignment.starts_on,
                ends_on=None,
                weekdays=rng.choice([0b1111111, 0b0011111]),
                sessions_per_day=rng.choice([1, 2]),
            )
    except ValidationError:
        pass  # a paused plan refuses a session, a running one a resume: as they should


@pytest.fixture
def plan(clinic, patient):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 20 * DAY)
    for days_ago in (6, 5, 4):
        day = clinic.today() - days_ago * DAY
        factories.make_finished_session(assignment, when=at(clinic, day, 9), pain=3)
    return assignment


def test_api_completion_and_finish_show_on_the_staff_home(client, therapist, patient, plan):
    client.force_login(therapist.user)
    client.get(reverse("dashboard:home"))
    before = assert_current(plan.patient.clinic)
    api = APIClient()
    api.force_authenticate(patient.user)
    started = api.post(reverse("api:session-list"), {"assignment": plan.pk}, format="json")
    assert started.status_code == 201
    session_id = started.json()["id"]
    started_figures = assert_current(patient.clinic)
    assert started_figures != before
    assert started_figures[0][4:6] == (session_id, patient.clinic.today())
    for step in plan.routine.steps.all():
        for set_number in range(1, step.sets + 1):
            for side in step.side_names:
                response = api.post(
                    reverse("api:session-completions", args=[session_id]),
                    {
                        "client_id": str(uuid.uuid4()),
                        "step": step.pk,
                        "set_number": set_number,
                        "side": side,
                        "status": "done",
                    },
                    format="json",
                )
                assert response.status_code == 201
                assert_current(patient.clinic)
    finished = api.post(reverse("api:session-finish", args=[session_id]), {"pain": 9}, "json")
    assert finished.status_code == 200
    after = assert_current(patient.clinic)
    assert after[0][6] == 9
    page = client.get(reverse("dashboard:home"))
    [row] = page.context["attention_page"]
    assert "pain_high" in row.reason_codes


def test_plan_changes_through_the_pages_show_on_the_staff_home(client, therapist, plan):
    clinic = plan.patient.clinic
    client.force_login(therapist.user)
    previous = assert_current(clinic)
    doors = [
        ("staff:assignment_pause", {}),
        ("staff:assignment_resume", {}),
        (
            "staff:assignment_schedule",
            {
                "starts_on": plan.starts_on.isoformat(),
                "ends_on": "",
                "weeks": "",
                "weekdays": ["0"],
                "sessions_per_day": "2",
            },
        ),
        ("staff:assignment_end", {}),
    ]
    version = PatientSummary.objects.get(patient=plan.patient).version
    for name, data in doors:
        response = client.post(reverse(name, args=[plan.pk]), data)
        assert response.status_code == 302, name
        # Each door tells the summary (a pause or an end today moves no figure yet).
        assert PatientSummary.objects.get(patient=plan.patient).version > version, name
        version = PatientSummary.objects.get(patient=plan.patient).version
        now = assert_current(clinic)
        if name == "staff:assignment_schedule":
            assert now != previous
        previous = now


def test_a_review_through_the_page_clears_the_card(client, therapist, patient, plan):
    session = session_start(assignment=plan)
    factories.record_every_step(session)
    session_finish(session=session, pain=9)
    client.force_login(therapist.user)
    [row] = client.get(reverse("dashboard:home")).context["attention_page"]
    response = client.post(
        reverse("dashboard:review", args=[patient.pk]), {"last_session": session.pk}
    )
    assert response.status_code == 302
    assert list(client.get(reverse("dashboard:home")).context["attention_page"]) == []
    assert_current(patient.clinic)


def test_a_new_day_in_the_clinics_zone_recomputes_the_figures(now_is, clinic, patient):
    # Late evening in the clinic: still "today" there, though tomorrow in UTC for some zones.
    today = clinic.today()
    assignment = factories.make_assignment(patient, starts_on=today)
    now_is(at(clinic, today, 9))
    factories.make_finished_session(assignment, when=at(clinic, today, 8), pain=2)
    now_is(at(clinic, today, 23))
    [row] = clinic_overview(clinic=clinic)
    assert row.streak == 1
    assert not row.reasons
    for days in (1, 2, 5):
        now_is(at(clinic, today + days * DAY, 1))
        assert_current(clinic)
    [row] = clinic_overview(clinic=clinic)
    assert row.streak == 0
    assert "missed_days" in row.reason_codes


def test_new_thresholds_recompute_the_reasons(clinic, plan):
    assert_current(clinic)
    session = session_start(assignment=plan)
    factories.record_every_step(session)
    session_finish(session=session, pain=6)
    assert not any(code == "pain_high" for code, _text in assert_current(clinic)[0][9])
    clinic.attention_pain = 5
    clinic.save()
    assert any(code == "pain_high" for code, _text in assert_current(clinic)[0][9])


def test_a_renamed_patient_moves_in_the_name_order(client, therapist, clinic):
    made = [
        factories.make_patient(clinic, therapist, account=False, last_name=name)
        for name in ("Adams", "Brown", "Cole")
    ]
    client.force_login(therapist.user)

    def names() -> list[str]:
        page = client.get(reverse("dashboard:home")).context["page"]
        return [row.patient.last_name for row in page]

    assert names() == ["Adams", "Brown", "Cole"]
    made[0].last_name = "Zane"
    made[0].save()
    assert names() == ["Brown", "Cole", "Zane"]


def test_each_clinic_recomputes_only_its_own(clinic, other_clinic, plan, other_clinic_patient):
    other_plan = factories.make_assignment(other_clinic_patient)
    clinic_overview(clinic=clinic)
    clinic_overview(clinic=other_clinic)
    computed = dict(PatientSummary.objects.values_list("patient_id", "computed_version"))
    session_start(assignment=other_plan)
    clinic_overview(clinic=clinic)
    assert dict(PatientSummary.objects.values_list("patient_id", "computed_version")) == computed


def _crowd(clinic, therapist, count: int) -> None:
    routine = factories.make_routine(clinic)
    for _ in range(count):
        made = factories.make_patient(clinic, therapist, account=False)
        assignment = factories.make_assignment(
            made, routine=routine, starts_on=clinic.today() - 12 * DAY
        )
        day = clinic.today() - DAY
        factories.make_finished_session(assignment, when=at(clinic, day, 9), pain=8)


def test_staff_home_queries_are_the_same_for_10_and_300_patients(
    client, therapist, clinic, django_assert_num_queries, django_assert_max_num_queries
):
    url = reverse("dashboard:home")
    counts = {}
    for size in (10, 300):
        _crowd(clinic, therapist, size - clinic.patients.count())
        # Signed in afresh: making 300 patients takes long enough for the session's own
        # clock to write to it on the next request (clinic.accounts), which is not ours.
        client.force_login(therapist.user)
        # Worked out for the new patients: their figures in one pass of seven queries.
        with django_assert_max_num_queries(15 + factories.summary_writes(size)):
            client.get(url)
        # Then as stored: the physiotherapists for the filter, which summaries no longer fit,
        # the two counts, one page of each list, the audit row (the session and the user with
        # their role come from the cache: clinic.signed_in).
        # The session and user put in the cache just before (a cheap signed-in request), as
        # in tests/patients/test_dashboard_scale.py: a miss there, seen on CI, is not the page's.
        assert client.post(reverse("keep_alive")).status_code == 200
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.context["rows"]) == size
        # A session started: that one patient is worked out again.
        session_start(assignment=Assignment.objects.filter(patient__clinic=clinic).first())
        assert client.post(reverse("keep_alive")).status_code == 200
        with django_assert_num_queries(14) as captured:
            client.get(url)
        counts[size] = len(captured)
    assert counts[10] == counts[300]


# The orders the page sorted by in Python before the database did (issue 21).
PYTHON_SORTS = {
    "name": lambda row: (row.patient.last_name.lower(), row.patient.first_name.lower()),
    "physiotherapist": lambda row: str(row.patient.physiotherapist or "").lower(),
    "week": lambda row: row.week.percent,
    "month": lambda row: row.month.percent,
    "last_session": lambda row: row.last_session_on,
    "streak": lambda row: row.streak,
    "pain": lambda row: row.latest_pain,
}


def python_sorted(rows, sort: str) -> list:
    key = PYTHON_SORTS[sort.lstrip("-")]
    keyed = [(key(row), row) for row in rows]
    present = [pair for pair in keyed if pair[0] is not None]
    present.sort(key=lambda pair: pair[0], reverse=sort.startswith("-"))
    return [row for _, row in present] + [row for value, row in keyed if value is None]


def test_every_sort_is_the_order_python_gave(client, clinic, therapist):
    rng = random.Random(7)
    colleague = factories.make_staff(clinic)
    colleague.user.first_name, colleague.user.last_name = "adam", "zed"
    colleague.user.save()
    routine = factories.make_routine(clinic)
    names = ["Émile", "emile", "Ab", "Ab c", "O'Neil", "de la Cruz", "Zoe", "zoe", "Łucja", "Bo"]
    for number, last_name in enumerate(names):
        physio = rng.choice([therapist, colleague, None])
        patient = factories.make_patient(
            clinic, physio, account=False, last_name=last_name, first_name=rng.choice("AaBb")
        )
        if number % 4 == 3:
            continue  # no plan, no session: no figures
        assignment = factories.make_assignment(
            patient, routine=routine, starts_on=clinic.today() - 14 * DAY
        )
        for days_ago in rng.sample(range(1, 14), rng.randrange(0, 8)):
            day = clinic.today() - days_ago * DAY
            factories.make_finished_session(
                assignment, when=at(clinic, day, 9), pain=rng.choice([None, 1, 5, 8])
            )
    client.force_login(therapist.user)
    rows = clinic_overview(clinic=clinic, cached=False)
    for name in PYTHON_SORTS:
        for sort in (name, f"-{name}"):
            page = client.get(reverse("dashboard:home"), {"sort": sort, "physiotherapist": ""})
            shown = [row.patient.pk for row in page.context["page"]]
            assert shown == [row.patient.pk for row in python_sorted(rows, sort)], sort
