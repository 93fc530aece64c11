"""The staff home page, its review action, the patient progress page and the CSV exports."""

import csv
import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.spreadsheets import spreadsheet_safe
from patients.models import AttentionReview, Completion
from patients.review.adherence import clinic_overview
from patients.sessions.services import completion_record, session_finish, session_start
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def at(clinic, days_ago: int, hour: int = 8) -> datetime.datetime:
    """A moment `days_ago` clinic-local days before today, at `hour` o'clock."""
    date = clinic.today() - days_ago * DAY
    return datetime.datetime.combine(date, datetime.time(hour), clinic.zone)


def sessions_on(assignment, days_ago, pains=None):
    clinic = assignment.patient.clinic
    for index, days in enumerate(days_ago):
        pain = pains[index] if pains else 2
        factories.make_finished_session(assignment, when=at(clinic, days, hour=6), pain=pain)


@pytest.fixture
def keeping_up(patient):
    """Alice: a daily plan for 20 days, every session done."""
    assignment = factories.make_assignment(patient, starts_on=patient.clinic.today() - 20 * DAY)
    sessions_on(assignment, range(20, 0, -1))
    return assignment


@pytest.fixture
def lapsing(other_patient):
    """Bob: a daily plan for 20 days, nothing in the last 5 days."""
    assignment = factories.make_assignment(
        other_patient, starts_on=other_patient.clinic.today() - 20 * DAY
    )
    sessions_on(assignment, range(20, 5, -1))
    return assignment


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def dashboard_url(**query):
    url = reverse("dashboard:home")
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


STAFF_PAGES = [
    ("dashboard:home", False),
    ("dashboard:export", False),
    ("dashboard:progress", True),
    ("dashboard:progress_export", True),
]


def staff_page_url(name, with_patient, patient):
    return reverse(name, args=[patient.pk]) if with_patient else reverse(name)


@pytest.mark.parametrize(("name", "with_patient"), STAFF_PAGES)
@pytest.mark.parametrize("role", ["therapist", "colleague", "clinic_admin"])
def test_staff_pages_open_for_the_clinics_staff(client, request, role, name, with_patient, patient):
    user = request.getfixturevalue(role).user
    response = page(client, user, staff_page_url(name, with_patient, patient))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "with_patient"), STAFF_PAGES)
@pytest.mark.parametrize("role", ["patient", "other_patient", "other_clinic_patient"])
def test_staff_pages_are_404_for_patients(client, request, role, name, with_patient, patient):
    user = request.getfixturevalue(role).user
    response = page(client, user, staff_page_url(name, with_patient, patient))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["dashboard:progress", "dashboard:progress_export"])
def test_patient_pages_are_404_for_another_clinics_staff(
    client, name, patient, other_clinic_therapist, other_clinic_admin
):
    for member in (other_clinic_therapist, other_clinic_admin):
        assert page(client, member.user, reverse(name, args=[patient.pk])).status_code == 404


def test_review_is_404_for_patients_and_another_clinic(
    client, lapsing, patient, other_patient, other_clinic_therapist
):
    url = reverse("dashboard:review", args=[other_patient.pk])
    for user in (patient.user, other_patient.user, other_clinic_therapist.user):
        client.force_login(user)
        assert client.post(url).status_code == 404
    assert not AttentionReview.objects.exists()


@pytest.mark.parametrize(("name", "with_patient"), STAFF_PAGES)
def test_staff_pages_ask_anonymous_to_sign_in(client, name, with_patient, patient):
    response = client.get(staff_page_url(name, with_patient, patient))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dashboard_shows_only_the_clinics_patients(
    client, therapist, keeping_up, other_clinic_patient, other_clinic_assignment
):
    response = page(client, therapist.user, dashboard_url())
    content = response.content.decode()
    assert str(keeping_up.patient) in content
    assert str(other_clinic_patient) not in content


def test_other_clinics_staff_see_only_their_own(client, other_clinic_therapist, keeping_up):
    content = page(client, other_clinic_therapist.user, dashboard_url()).content.decode()
    assert str(keeping_up.patient) not in content
    assert "No patients yet." in content


def test_home_sends_staff_to_the_dashboard(client, therapist):
    client.force_login(therapist.user)
    assert client.get(reverse("home")).url == reverse("dashboard:home")


def test_dashboard_lists_who_needs_attention_and_why(client, therapist, keeping_up, lapsing):
    response = page(client, therapist.user, dashboard_url())
    attention = [row.patient for row in response.context["attention"]]
    assert attention == [lapsing.patient]
    [row] = response.context["attention"]
    codes = {reason.code for reason in row.reasons}
    assert codes == {"low_adherence", "missed_days"}
    content = response.content.decode()
    assert "No session on the last 5 scheduled days" in content
    # Today is still open: its session is not missed yet.
    assert "17% of sessions done in the last 7 days (1 of 6)" in content
    everyone = {row.patient: row for row in response.context["rows"]}
    alice = everyone[keeping_up.patient]
    assert (alice.week.percent, alice.month.percent, alice.streak) == (100, 100, 20)
    assert alice.last_session_on == therapist.clinic.today() - DAY


def test_dashboard_raises_high_and_rising_pain(client, therapist, patient, clinic):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 5 * DAY)
    sessions_on(assignment, [4, 3, 2, 1], pains=[5, 3, 4, 6])
    [row] = clinic_overview(clinic=clinic)
    assert [reason.code for reason in row.reasons] == ["pain_rising"]
    clinic.attention_pain = 6
    clinic.save()
    [row] = clinic_overview(clinic=clinic)
    assert [reason.code for reason in row.reasons] == ["pain_high", "pain_rising"]
    assert row.reasons[1].text == "Pain rising over the last 3 sessions: 3 → 4 → 6"


def test_thresholds_are_the_clinics(client, therapist, lapsing, clinic):
    clinic.attention_adherence_percent = 15
    clinic.attention_missed_days = 6
    clinic.save()
    assert clinic_overview(clinic=clinic)[0].reasons == []


def test_review_records_who_and_when_and_quiets_the_same_alert(client, therapist, lapsing, clinic):
    client.force_login(therapist.user)
    row = client.get(dashboard_url()).context["attention"][0]
    response = client.post(
        reverse("dashboard:review", args=[lapsing.patient.pk]),
        {"last_session": row.last_session_id},
    )
    assert response.status_code == 302
    review = AttentionReview.objects.get()
    assert review.reviewed_by == therapist.user
    assert review.reviewed_on == clinic.today()
    assert review.reason_codes == {"low_adherence", "missed_days"}
    assert review.last_session_id == row.last_session_id
    assert review.adherence_7 == 17
    assert client.get(dashboard_url()).context["attention"] == []


def test_a_reviewed_alert_comes_back_with_new_data(client, therapist, patient, clinic):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 3 * DAY)
    sessions_on(assignment, [3, 2], pains=[8, 8])
    client.force_login(therapist.user)
    row = client.get(dashboard_url()).context["attention"][0]
    assert [reason.code for reason in row.reasons] == ["pain_high"]
    client.post(
        reverse("dashboard:review", args=[patient.pk]), {"last_session": row.last_session_id}
    )
    assert clinic_overview(clinic=clinic)[0].reasons == []
    sessions_on(assignment, [1], pains=[9])
    [row] = clinic_overview(clinic=clinic)
    assert [reason.code for reason in row.reasons] == ["pain_high"]


def test_a_reviewed_missed_run_comes_back_after_more_missed_days(therapist, lapsing, clinic):
    AttentionReview.objects.create(
        patient=lapsing.patient,
        reviewed_by=therapist.user,
        reviewed_at=timezone.now() - 3 * DAY,
        reviewed_on=clinic.today() - 3 * DAY,
        reasons="missed_days low_adherence",
    )
    [row] = clinic_overview(clinic=clinic, patient=lapsing.patient)
    # Two scheduled days missed since the review: not yet the three the clinic asks for.
    assert [reason.code for reason in row.reasons] == []
    clinic.attention_missed_days = 2
    clinic.save()
    [row] = clinic_overview(clinic=clinic, patient=lapsing.patient)
    assert [reason.code for reason in row.reasons] == ["missed_days"]


def test_review_refuses_another_patients_session(client, therapist, lapsing, keeping_up):
    client.force_login(therapist.user)
    someone_elses = keeping_up.sessions.first()
    response = client.post(
        reverse("dashboard:review", args=[lapsing.patient.pk]), {"last_session": someone_elses.pk}
    )
    assert response.status_code == 400
    assert not AttentionReview.objects.exists()


def test_review_with_nothing_to_review_records_nothing(client, therapist, keeping_up):
    client.force_login(therapist.user)
    response = client.post(reverse("dashboard:review", args=[keeping_up.patient.pk]))
    assert response.status_code == 302
    assert not AttentionReview.objects.exists()


def test_review_needs_post(client, therapist, lapsing):
    client.force_login(therapist.user)
    response = client.get(reverse("dashboard:review", args=[lapsing.patient.pk]))
    assert response.status_code == 405


def test_dashboard_filters_by_physiotherapist(client, therapist, colleague, clinic, keeping_up):
    theirs = factories.make_patient(clinic, colleague, first_name="Cleo")
    nobodys = factories.make_patient(clinic, None, first_name="Dora")
    client.force_login(therapist.user)
    # A physiotherapist starts with their own patients; "Everyone" is one click away.
    response = client.get(dashboard_url())
    assert [row.patient for row in response.context["rows"]] == [keeping_up.patient]
    assert 'href="?physiotherapist="' in response.content.decode()
    rows = client.get(dashboard_url(physiotherapist="")).context["rows"]
    names = {str(row.patient) for row in rows}
    assert names == {str(keeping_up.patient), str(theirs), str(nobodys)}
    rows = client.get(dashboard_url(physiotherapist=colleague.pk)).context["rows"]
    assert [row.patient for row in rows] == [theirs]
    rows = client.get(dashboard_url(physiotherapist="none")).context["rows"]
    assert [row.patient for row in rows] == [nobodys]


def test_dashboard_refuses_a_bad_filter(client, therapist, other_clinic_therapist):
    client.force_login(therapist.user)
    for query in ({"physiotherapist": other_clinic_therapist.pk}, {"sort": "password"}):
        assert client.get(dashboard_url(**query)).status_code == 400
        assert client.get(reverse("dashboard:export") + "?sort=nope").status_code == 400


def test_dashboard_sorts(client, therapist, keeping_up, lapsing):
    client.force_login(therapist.user)
    rows = client.get(dashboard_url(sort="-week")).context["rows"]
    assert [row.patient for row in rows] == [keeping_up.patient, lapsing.patient]
    rows = client.get(dashboard_url(sort="week")).context["rows"]
    assert [row.patient for row in rows] == [lapsing.patient, keeping_up.patient]
    content = client.get(dashboard_url(sort="week")).content.decode()
    assert 'aria-sort="ascending"' in content


def read_csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_dashboard_export_is_the_table(client, therapist, keeping_up, lapsing):
    client.force_login(therapist.user)
    response = client.get(reverse("dashboard:export") + "?sort=-week")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    header, alice, bob = read_csv(response)
    assert header[:3] == ["Patient", "Physiotherapist", "Adherence 7 days (%)"]
    assert alice[0] == str(keeping_up.patient)
    assert alice[2:5] == ["100", "6", "6"]
    assert bob[0] == str(lapsing.patient)
    assert "No session on the last 5 scheduled days" in bob[-1]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Zoë", "Zoë"),
        ("a=b", "a=b"),
        (7, 7),
        (None, ""),
    ],
)
def test_spreadsheet_safe_neutralises_formulas(value, safe):
    assert spreadsheet_safe(value) == safe


def test_exports_neutralise_formulas_from_patients(client, therapist, clinic):
    patient = factories.make_patient(
        clinic, therapist, first_name="=cmd|' /C calc'!A0", last_name="Zoë"
    )
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 3 * DAY)
    session = factories.make_finished_session(assignment, when=at(clinic, 1))
    session.note = "@SUM(1+1)"
    session.save()
    client.force_login(therapist.user)
    [_, row] = read_csv(client.get(reverse("dashboard:export")))
    assert row[0] == "'=cmd|' /C calc'!A0 Zoë"
    [_, row] = read_csv(client.get(reverse("dashboard:progress_export", args=[patient.pk])))
    assert row[-1] == "'@SUM(1+1)"


def test_progress_shows_calendar_pain_chart_and_sessions(client, therapist, patient, clinic):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 10 * DAY)
    sessions_on(assignment, [9, 8, 6], pains=[2, 3, 7])
    partial = session_start(assignment=assignment, started_at=at(clinic, 5))
    steps = list(assignment.routine.steps.all())
    completion_record(session=partial, step=steps[0], client_id=uuid.uuid4())
    finished = session_start(assignment=assignment, started_at=at(clinic, 4))
    for step in steps:
        completion_record(
            session=finished,
            step=step,
            client_id=uuid.uuid4(),
            status=Completion.Status.SKIPPED if step == steps[1] else Completion.Status.DONE,
            skip_reason="too_hard" if step == steps[1] else "",
        )
    session_finish(session=finished, pain=4, note="Knees hurt a bit")
    response = page(client, therapist.user, reverse("dashboard:progress", args=[patient.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    weeks = response.context["weeks"]
    assert len(weeks) == 12
    assert all(len(week) == 7 for week in weeks)
    states = {cell["day"].date: cell["state"] for week in weeks for cell in week}
    today = clinic.today()
    assert states[today - 9 * DAY] == "done"
    assert states[today - 7 * DAY] == "missed"
    assert states[today - 5 * DAY] == "partial"
    assert states[today - 11 * DAY] == "rest"
    # Today is still open, and the days after it are to come.
    assert states[today] == "open"
    assert all(state == "future" for date, state in states.items() if date > today)
    assert "<svg" in content
    assert "<polyline" in content
    assert response.context["pain_summary"] in content
    assert "4 pain reports" in response.context["pain_summary"]
    assert "Knees hurt a bit" in content
    assert f"{steps[1].exercise.name}: Too hard" in content
    assert "Started, not finished" in content
    assert "1 skipped" in content


def test_progress_export_lists_every_session(client, therapist, patient, clinic):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 10 * DAY)
    sessions_on(assignment, [3, 2], pains=[2, 8])
    session_start(assignment=assignment, started_at=at(clinic, 1))
    client.force_login(therapist.user)
    header, *rows = read_csv(client.get(reverse("dashboard:progress_export", args=[patient.pk])))
    assert header[0] == "Date"
    assert [row[4] for row in rows] == ["yes", "yes", "no"]
    assert [row[8] for row in rows] == ["2", "8", ""]
    assert rows[1][10] == "yes"
    assert rows[0][5] == "3"


def test_dashboard_query_count_does_not_grow(
    client, therapist, clinic, django_assert_max_num_queries
):
    for number in range(30):
        patient = factories.make_patient(clinic, therapist, account=False)
        assignment = factories.make_assignment(patient, starts_on=clinic.today() - 12 * DAY)
        sessions_on(assignment, range(number % 10, 0, -1), pains=list(range(10)))
    client.force_login(therapist.user)
    # 16 with the clinic's summaries worked out (see test_dashboard_scale), 8 once they
    # are stored; each page records one audit row.
    with django_assert_max_num_queries(16):
        response = client.get(dashboard_url())
    assert len(response.context["rows"]) == 30
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard:export"))


def test_progress_query_count_does_not_grow(
    client, therapist, patient, clinic, django_assert_max_num_queries
):
    assignment = factories.make_assignment(patient, starts_on=clinic.today() - 90 * DAY)
    sessions_on(assignment, range(60, 0, -1), pains=[index % 10 for index in range(60)])
    client.force_login(therapist.user)
    with django_assert_max_num_queries(23):  # 22 and the outcome scores (none here)
        client.get(reverse("dashboard:progress", args=[patient.pk]))
    with django_assert_max_num_queries(8):
        client.get(reverse("dashboard:progress_export", args=[patient.pk]))


def test_dashboard_pages_the_table(client, therapist, clinic, monkeypatch):
    monkeypatch.setattr("patients.review.views.PATIENTS_PER_PAGE", 2)
    made = [
        factories.make_patient(clinic, therapist, account=False, last_name=f"Z{n}")
        for n in range(5)
    ]
    client.force_login(therapist.user)
    response = client.get(dashboard_url(sort="-name", page=2))
    assert [row.patient for row in response.context["page"]] == [made[2], made[1]]
    assert len(response.context["rows"]) == 5
    content = response.content.decode()
    assert "Page 2 of 3" in content
    assert "sort=-name&amp;page=3" in content
    assert client.get(dashboard_url(page="nonsense")).status_code == 200


def threshold_form(clinic, **changes):
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "language": clinic.language,
        "attention_adherence_percent": 60,
        "attention_missed_days": 3,
        "attention_pain": 7,
    }
    return data | changes


def test_clinic_admin_sets_the_thresholds_in_the_admin(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    assert "Needs attention" in client.get(url).content.decode()
    response = client.post(url, threshold_form(clinic, attention_pain=6, attention_missed_days=2))
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.attention_pain, clinic.attention_missed_days) == (6, 2)


def test_thresholds_out_of_range_are_refused(client, clinic_admin, clinic):
    client.force_login(clinic_admin.user)
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    for bad in ({"attention_pain": 11}, {"attention_adherence_percent": 101}):
        response = client.post(url, threshold_form(clinic, **bad))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    clinic.refresh_from_db()
    assert (clinic.attention_pain, clinic.attention_adherence_percent) == (7, 60)


def test_only_clinic_admins_change_the_thresholds(client, therapist, other_clinic_admin, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    client.force_login(therapist.user)
    assert client.post(url, threshold_form(clinic, attention_pain=2)).status_code == 403
    client.force_login(other_clinic_admin.user)
    assert client.post(url, threshold_form(clinic, attention_pain=2)).status_code in (302, 404)
    clinic.refresh_from_db()
    assert clinic.attention_pain == 7


def test_review_asks_anonymous_to_sign_in(client, lapsing):
    response = client.post(reverse("dashboard:review", args=[lapsing.patient.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not AttentionReview.objects.exists()


@pytest.mark.parametrize("role", ["colleague", "clinic_admin"])
def test_any_staff_of_the_clinic_may_review(client, request, role, lapsing):
    client.force_login(request.getfixturevalue(role).user)
    client.post(reverse("dashboard:review", args=[lapsing.patient.pk]))
    assert AttentionReview.objects.get().reviewed_by == request.getfixturevalue(role).user


@pytest.mark.parametrize(("reviewed_days_ago", "raised"), [(6, False), (7, True)])
def test_a_reviewed_low_adherence_comes_back_once_its_week_has_passed(
    therapist, lapsing, clinic, reviewed_days_ago, raised
):
    AttentionReview.objects.create(
        patient=lapsing.patient,
        reviewed_by=therapist.user,
        reviewed_at=timezone.now() - reviewed_days_ago * DAY,
        reviewed_on=clinic.today() - reviewed_days_ago * DAY,
        reasons="low_adherence",
    )
    [row] = clinic_overview(clinic=clinic, patient=lapsing.patient)
    codes = [reason.code for reason in row.reasons]
    assert ("low_adherence" in codes) is raised
    # Missed days were not part of that review: they are raised either way.
    assert "missed_days" in codes
