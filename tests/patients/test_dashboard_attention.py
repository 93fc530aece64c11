"""The staff home page's "Needs attention" list, a page at a time, most urgent first."""

import datetime
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.urls import reverse

from patients.models import AttentionReview
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PER_PAGE = 20


def at(clinic, days_ago: int) -> datetime.datetime:
    date = clinic.today() - days_ago * DAY
    return datetime.datetime.combine(date, datetime.time(8), clinic.zone)


@pytest.fixture
def crowd(clinic, therapist):
    """27 patients who need attention, in the order the list shows them: three with three
    reasons, 22 with two, two with one; and one who is keeping up."""
    routine = factories.make_routine(clinic)

    def patient(last_name, starts_days_ago, sessions=(), pain=8):
        made = factories.make_patient(clinic, therapist, account=False, last_name=last_name)
        assignment = factories.make_assignment(
            made, routine=routine, starts_on=clinic.today() - starts_days_ago * DAY
        )
        for days_ago in sessions:
            factories.make_finished_session(assignment, when=at(clinic, days_ago), pain=pain)
        return made

    # Low adherence, missed days and high pain.
    three = [patient(f"Three {n}", 10, sessions=[9]) for n in range(3)]
    # Low adherence and missed days (made out of name order: the list sorts them).
    two = [patient(f"Two {n:02}", 10) for n in reversed(range(22))][::-1]
    # High pain only.
    one = [patient(f"One {n}", 1, sessions=[1]) for n in range(2)]
    patient("Keeping Up", 3, sessions=[3, 2, 1], pain=1)
    return three + two + one


def dashboard_url(**query) -> str:
    url = reverse("dashboard:home")
    return f"{url}?{urlencode(query)}" if query else url


def shown(response) -> list:
    return [row.patient for row in response.context["attention_page"]]


def attention_section(response) -> str:
    content = response.content.decode()
    return content[content.index('id="attention-title"') : content.index('id="all-title"')]


def nav_links(section: str) -> dict[str, dict]:
    """The attention pager's links by their text, each as its parsed query."""
    nav = section[section.index("<nav") : section.index("</nav>")]
    links = re.findall(r'<a href="\?([^"]*)" rel="\w+">(\w+)</a>', nav)
    return {text: parse_qs(query.replace("&amp;", "&")) for query, text in links}


def test_attention_list_shows_20_most_urgent_first(client, therapist, crowd):
    client.force_login(therapist.user)
    response = client.get(dashboard_url())
    assert shown(response) == crowd[:PER_PAGE]
    section = attention_section(response)
    assert "Needs attention" in section
    assert "(27)" in section
    assert "Showing 1–20 of 27" in section
    assert section.count('class="card attention"') == PER_PAGE
    assert '<nav class="pages" aria-label="Pages of patients who need attention">' in section
    assert "Page 1 of 2" in section
    links = nav_links(section)
    assert set(links) == {"Next"}
    assert links["Next"]["attention_page"] == ["2"]
    # Every patient still has a row in the table, flagged or not.
    assert len(response.context["rows"]) == 28


def test_attention_list_second_page_shows_the_rest(client, therapist, crowd):
    client.force_login(therapist.user)
    response = client.get(dashboard_url(attention_page=2))
    assert shown(response) == crowd[PER_PAGE:]
    assert [len(row.reasons) for row in response.context["attention_page"]] == [2] * 5 + [1] * 2
    section = attention_section(response)
    assert "(27)" in section
    assert "Showing 21–27 of 27" in section
    assert section.count('class="card attention"') == 7
    assert str(crowd[0]) not in section
    assert str(crowd[-1]) in section
    links = nav_links(section)
    assert set(links) == {"Previous"}
    assert links["Previous"]["attention_page"] == ["1"]


@pytest.mark.parametrize("value", ["nonsense", "0", "-1", "99", "2.5", ""])
def test_attention_page_falls_back_on_a_bad_value(client, therapist, crowd, value):
    client.force_login(therapist.user)
    response = client.get(dashboard_url(attention_page=value))
    assert response.status_code == 200
    page = response.context["attention_page"]
    assert page.number in (1, 2)
    assert len(page) in (PER_PAGE, 7)


def test_attention_pages_keep_the_filter_sort_and_table_page(client, therapist, crowd, monkeypatch):
    monkeypatch.setattr("patients.review.views.PATIENTS_PER_PAGE", 10)
    client.force_login(therapist.user)
    query = {"physiotherapist": therapist.pk, "sort": "-week", "page": 2, "attention_page": 2}
    response = client.get(dashboard_url(**query))
    assert shown(response) == crowd[PER_PAGE:]
    assert response.context["page"].number == 2
    previous = nav_links(attention_section(response))["Previous"]
    assert previous == {
        "physiotherapist": [str(therapist.pk)],
        "sort": ["-week"],
        "page": ["2"],
        "attention_page": ["1"],
    }
    content = response.content.decode()
    # The table's pager and its column headers keep the attention page, and the other way.
    assert "attention_page=2&amp;page=3" in content
    assert "sort=name&amp;attention_page=2" in content
    # The export is the whole table: no pages.
    export = re.search(r'href="/staff/dashboard\.csv\?([^"]*)"', content).group(1)
    assert parse_qs(export.replace("&amp;", "&")) == {
        "physiotherapist": [str(therapist.pk)],
        "sort": ["-week"],
    }


def test_attention_list_follows_the_physiotherapist_filter(client, therapist, colleague, crowd):
    theirs = factories.make_patient(colleague.clinic, colleague, account=False, last_name="Zed")
    factories.make_assignment(theirs, starts_on=colleague.clinic.today() - 10 * DAY)
    client.force_login(therapist.user)
    response = client.get(dashboard_url(physiotherapist=colleague.pk))
    assert shown(response) == [theirs]
    assert "Showing 1–1 of 1" in attention_section(response)
    assert "<nav" not in attention_section(response)


def review_form(response, patient) -> tuple[str, str]:
    """The action and the last session of `patient`'s review button on the page."""
    content = response.content.decode()
    card = content[content.index(f'id="attention-{patient.pk}"') :]
    action = re.search(r'<form method="post" action="([^"]+)"', card).group(1)
    last_session = re.search(r'name="last_session" value="(\d*)"', card).group(1)
    return action.replace("&amp;", "&"), last_session


def test_review_returns_to_the_same_attention_page(client, therapist, crowd):
    client.force_login(therapist.user)
    query = {"sort": "-week", "attention_page": 2}
    page = client.get(dashboard_url(**query))
    reviewed = crowd[PER_PAGE]
    action, last_session = review_form(page, reviewed)
    assert urlsplit(action).path == reverse("dashboard:review", args=[reviewed.pk])
    response = client.post(action, {"last_session": last_session})
    assert response.status_code == 302
    assert response.url == dashboard_url(**query)
    assert AttentionReview.objects.get().patient == reviewed
    after = client.get(response.url)
    assert shown(after) == crowd[PER_PAGE + 1 :]
    assert "Marked" in after.content.decode()


def test_review_of_the_last_alert_on_the_last_page_lands_on_a_page_that_exists(
    client, therapist, crowd, monkeypatch
):
    monkeypatch.setattr("patients.review.views.ATTENTION_PER_PAGE", 26)
    client.force_login(therapist.user)
    page = client.get(dashboard_url(attention_page=2))
    [last] = shown(page)
    action, last_session = review_form(page, last)
    response = client.post(action, {"last_session": last_session}, follow=True)
    assert response.redirect_chain[-1][0].endswith("attention_page=2")
    assert response.context["attention_page"].number == 1
    assert shown(response) == crowd[:26]


def test_review_keeps_only_the_dashboards_own_parameters(client, therapist, crowd):
    client.force_login(therapist.user)
    url = reverse("dashboard:review", args=[crowd[0].pk])
    query = urlencode({"attention_page": 2, "next": "https://evil.example/", "sort": "-week"})
    response = client.post(f"{url}?{query}")
    assert response.status_code == 302
    assert response.url == dashboard_url(sort="-week", attention_page=2)


def test_review_of_someone_with_nothing_to_review_returns_to_the_page(client, therapist, crowd):
    keeping_up = factories.make_patient(therapist.clinic, therapist, account=False)
    client.force_login(therapist.user)
    url = reverse("dashboard:review", args=[keeping_up.pk])
    response = client.post(f"{url}?attention_page=2")
    assert response.url == dashboard_url(attention_page=2)
    assert not AttentionReview.objects.exists()


@pytest.mark.parametrize("role", ["therapist", "colleague", "clinic_admin"])
def test_attention_pages_open_for_the_clinics_staff(client, request, role, crowd):
    client.force_login(request.getfixturevalue(role).user)
    response = client.get(dashboard_url(attention_page=2, physiotherapist=""))  # everyone
    assert response.status_code == 200
    assert shown(response) == crowd[PER_PAGE:]


def test_attention_pages_show_another_clinic_only_its_own(
    client, other_clinic_therapist, other_clinic_patient, crowd
):
    factories.make_assignment(
        other_clinic_patient, starts_on=other_clinic_patient.clinic.today() - 10 * DAY
    )
    client.force_login(other_clinic_therapist.user)
    for attention_page in (1, 2):
        response = client.get(dashboard_url(attention_page=attention_page))
        assert response.status_code == 200
        assert shown(response) == [other_clinic_patient]
        content = response.content.decode()
        assert not any(str(patient) in content for patient in crowd)


@pytest.mark.parametrize("role", ["patient", "other_clinic_patient"])
def test_attention_pages_are_404_for_patients(client, request, role, crowd):
    client.force_login(request.getfixturevalue(role).user)
    assert client.get(dashboard_url(attention_page=2)).status_code == 404


def test_attention_pages_ask_anonymous_to_sign_in(client, crowd):
    response = client.get(dashboard_url(attention_page=2))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_attention_page_query_count_does_not_grow(
    client, therapist, clinic, django_assert_max_num_queries
):
    """The same budget for a handful of patients and for many, on any page."""
    client.force_login(therapist.user)
    routine = factories.make_routine(clinic)
    for size in (3, 60):
        while clinic.patients.count() < size:
            made = factories.make_patient(clinic, therapist, account=False)
            factories.make_assignment(made, routine=routine, starts_on=clinic.today() - 10 * DAY)
        # 15 and their writes with the new patients' summaries worked out (as in
        # test_dashboard_scale), 8 once stored; one audit row each.
        with django_assert_max_num_queries(15 + factories.summary_writes(size)):
            first = client.get(dashboard_url(attention_page=2))
        with django_assert_max_num_queries(8):
            again = client.get(dashboard_url(attention_page=2, sort="-week"))
        assert first.context["attention_page"].paginator.count == size
        assert len(again.context["attention_page"]) == (size if size <= PER_PAGE else PER_PAGE)
