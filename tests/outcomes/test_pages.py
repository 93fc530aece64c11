"""The patient's questionnaire pages and the staff's, through the test client."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from patients.outcomes.models import Postponement, Questionnaire, Response
from patients.outcomes.models import Schedule as OutcomeSchedule
from patients.outcomes.services import questionnaire_import, response_submit

from .conftest import LICENCE, make_response

pytestmark = pytest.mark.django_db


def _today(client, patient):
    client.force_login(patient.user)
    return client.get(reverse("patients:today")).content.decode()


# Today asks first.


def test_today_asks_first_when_a_questionnaire_is_due(
    client, patient, nprs_schedule, psfs_schedule
):
    page = _today(client, patient)
    assert "Two quick questions before today&#x27;s session" in page
    assert reverse("outcomes:answer", args=[nprs_schedule.pk]) in page
    assert page.index("outcome-ask") < page.index("today-plan")


def test_today_does_not_ask_once_answered(client, patient, nprs_schedule):
    response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 4})
    assert "quick question" not in _today(client, patient)


def test_today_later_postpones_once_then_asks_again_without_later(client, patient, nprs_schedule):
    client.force_login(patient.user)
    response = client.post(reverse("outcomes:postpone"))
    assert response.status_code == 302
    assert "quick question" not in _today(client, patient)
    postponement = Postponement.objects.get(schedule=nprs_schedule)
    assert postponement.due_on == nprs_schedule.assignment.starts_on
    # The next day it is asked again, and cannot be put off a second time.
    postponement.local_date -= datetime.timedelta(days=1)
    postponement.save()
    page = _today(client, patient)
    assert "One quick question before today&#x27;s session" in page
    assert "You put this off once already" in page
    client.post(reverse("outcomes:postpone"))
    assert Postponement.objects.count() == 1


def test_today_does_not_ask_before_the_plan_starts_or_after_it_ended(
    client, patient, nprs_schedule
):
    assignment = nprs_schedule.assignment
    assignment.starts_on = patient.clinic.today() + datetime.timedelta(days=1)
    assignment.save()
    assert "quick question" not in _today(client, patient)


def test_interval_occurrence_is_asked_again_after_n_weeks(client, patient, nprs_schedule):
    response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 4})
    nprs_schedule.every_weeks = 2
    nprs_schedule.save()
    # The plan started 30 days ago: the 4-week mark (day 28) is due now.
    assert "One quick question" in _today(client, patient)
    client.post(reverse("outcomes:answer", args=[nprs_schedule.pk]), {"item_1": "3"})
    dues = list(Response.objects.order_by("id").values_list("due_on", flat=True))
    start = nprs_schedule.assignment.starts_on
    assert dues == [start, start + datetime.timedelta(weeks=4)]


# The answer page.


def test_answer_page_shows_the_scale_as_labelled_radio_targets(client, patient, nprs_schedule):
    client.force_login(patient.user)
    response = client.get(reverse("outcomes:answer", args=[nprs_schedule.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<legend>On average over the last 24 hours, how strong was your pain?</legend>" in page
    assert page.count('type="radio" name="item_1"') == 11
    assert "0 = No pain" in page
    assert "10 = Worst pain you can imagine" in page
    assert "Free to use. The wording here is Limber&#x27;s own." in page


def test_answer_saves_the_score_and_shows_results_in_plain_words(client, patient, nprs_schedule):
    make_response(patient, nprs_schedule.questionnaire, 5, days_ago=20)
    client.force_login(patient.user)
    response = client.post(reverse("outcomes:answer", args=[nprs_schedule.pk]), {"item_1": "3"})
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:results")
    saved = Response.objects.latest("id")
    assert (saved.score, saved.answers, saved.schedule) == (Decimal(3), {"pain": 3}, nprs_schedule)
    page = client.get(response["Location"]).content.decode()
    assert (
        "Your Numeric Pain Rating Scale score: 3 of 10, 2 points better than at the start." in page
    )


def test_answer_without_a_choice_shows_the_error_on_the_field(client, patient, nprs_schedule):
    client.force_login(patient.user)
    response = client.post(reverse("outcomes:answer", args=[nprs_schedule.pk]), {"item_1": "11"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_item_1-anchors id_item_1-error"' in page
    assert '<p class="form-error" id="id_item_1-error">Select a valid choice.' in page
    response = client.post(reverse("outcomes:answer", args=[nprs_schedule.pk]), {})
    assert "Please answer this question." in response.content.decode()
    assert not Response.objects.exists()


def test_answer_psfs_rates_named_activities_and_remembers_them(client, patient, psfs_schedule):
    client.force_login(patient.user)
    url = reverse("outcomes:answer", args=[psfs_schedule.pk])
    data = {
        "item_1": "Gardening",
        "item_2": "3",
        "item_3": "Lifting my grandson",
        "item_4": "4",
        "item_5": "Driving",
        "item_6": "6",
        "item_8": "5",  # a rating of a fourth activity nobody named
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Answer the question before this one first." in response.content.decode()
    data.pop("item_8")
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().score == Decimal("4.33")
    # The next time, the same activities are there to rate again.
    Response.objects.update(due_on=None)
    page = client.get(url).content.decode()
    assert 'value="Lifting my grandson"' in page


def test_answer_page_when_nothing_is_due_goes_to_results(client, patient, nprs_schedule):
    response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 4})
    client.force_login(patient.user)
    response = client.get(reverse("outcomes:answer", args=[nprs_schedule.pk]))
    assert response["Location"] == reverse("outcomes:results")


def test_answer_page_of_a_licensed_instrument_shows_its_licence(
    client, clinic, patient, assignment, licensed_resource
):
    version = questionnaire_import(clinic=clinic, resource=licensed_resource)
    schedule = OutcomeSchedule.objects.create(
        assignment=assignment, questionnaire=version.questionnaire
    )
    client.force_login(patient.user)
    page = client.get(reverse("outcomes:answer", args=[schedule.pk])).content.decode()
    assert LICENCE in page
    assert "Answer worth 5" in page


@pytest.mark.parametrize("who", ["other_patient", "therapist", "other_clinic_therapist"])
def test_answer_page_of_another_patient_is_not_found(client, nprs_schedule, request, who):
    user = request.getfixturevalue(who).user
    client.force_login(user)
    assert client.get(reverse("outcomes:answer", args=[nprs_schedule.pk])).status_code == 404
    assert client.post(reverse("outcomes:answer", args=[nprs_schedule.pk])).status_code == 404


def test_patient_pages_send_anonymous_visitors_to_sign_in(client, nprs_schedule):
    for url in (
        reverse("outcomes:answer", args=[nprs_schedule.pk]),
        reverse("outcomes:results"),
    ):
        assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.post(reverse("outcomes:postpone"))["Location"].startswith(reverse("login"))
    assert not Postponement.objects.exists()


@pytest.mark.parametrize("who", ["therapist", "other_clinic_therapist"])
def test_results_and_postpone_are_the_patients_own(client, request, who, nprs_schedule):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(reverse("outcomes:results")).status_code == 404
    assert client.post(reverse("outcomes:postpone")).status_code == 404


def test_results_show_only_the_patients_own(client, patient, other_patient, nprs):
    make_response(other_patient, nprs, 9, days_ago=3)
    client.force_login(patient.user)
    page = client.get(reverse("outcomes:results")).content.decode()
    assert "You have not answered any questionnaire yet." in page


# Staff pages.


@pytest.mark.parametrize(
    ("who", "status"),
    [("therapist", 200), ("clinic_admin", 200), ("patient", 404), ("other_clinic_therapist", 200)],
)
def test_questionnaire_list_is_for_staff(client, request, who, status, clinic, licensed_resource):
    questionnaire_import(clinic=clinic, resource=licensed_resource)
    client.force_login(request.getfixturevalue(who).user)
    response = client.get(reverse("outcomes:questionnaire_list"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Numeric Pain Rating Scale" in page
        # Another clinic's imported questionnaire is theirs alone.
        assert ("Back Function Index" in page) == (who != "other_clinic_therapist")


def test_questionnaire_import_page_imports_a_paste_for_clinic_admins(
    client, clinic_admin, licensed_resource
):
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("outcomes:questionnaire_import"), {"resource": json.dumps(licensed_resource)}
    )
    questionnaire = Questionnaire.objects.get(clinic=clinic_admin.clinic)
    assert response["Location"] == reverse("outcomes:questionnaire_detail", args=[questionnaire.pk])
    page = client.get(response["Location"]).content.decode()
    assert LICENCE in page
    download = client.get(reverse("outcomes:questionnaire_fhir", args=[questionnaire.pk]))
    assert download["Content-Type"] == "application/fhir+json"
    assert json.loads(download.content) == licensed_resource


def test_questionnaire_import_page_refuses_naming_the_field_and_stores_nothing(
    client, clinic_admin, licensed_resource
):
    licensed_resource["item"][2]["answerOption"][0].pop("extension")
    client.force_login(clinic_admin.user)
    upload = io.BytesIO(json.dumps(licensed_resource).encode())
    upload.name = "questionnaire.json"
    response = client.post(reverse("outcomes:questionnaire_import"), {"file": upload})
    assert response.status_code == 400
    assert "item[2].answerOption[0].extension: each answer needs its score" in (
        response.content.decode()
    )
    assert not Questionnaire.objects.filter(clinic__isnull=False).exists()


@pytest.mark.parametrize("who", ["therapist", "patient", "other_clinic_admin"])
def test_questionnaire_import_is_for_the_clinics_admins(client, request, who, licensed_resource):
    client.force_login(request.getfixturevalue(who).user)
    response = client.post(
        reverse("outcomes:questionnaire_import"), {"resource": json.dumps(licensed_resource)}
    )
    assert response.status_code == (400 if who == "other_clinic_admin" else 404) or (
        response.status_code == 302
    )
    assert (
        not Questionnaire.objects.filter(clinic__isnull=False)
        .exclude(clinic__staff__user=request.getfixturevalue(who).user)
        .exists()
    )


def test_questionnaire_detail_of_another_clinic_is_not_found(
    client, other_clinic, therapist, licensed_resource
):
    version = questionnaire_import(clinic=other_clinic, resource=licensed_resource)
    client.force_login(therapist.user)
    for name in ("outcomes:questionnaire_detail", "outcomes:questionnaire_fhir"):
        url = reverse(name, args=[version.questionnaire_id])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("therapist", 200), ("colleague", 200), ("other_clinic_therapist", 404), ("patient", 404)],
)
def test_plan_questionnaires_page_is_for_the_clinics_staff(
    client, request, who, status, assignment
):
    client.force_login(request.getfixturevalue(who).user)
    url = reverse("outcomes:plan_questionnaires", args=[assignment.pk])
    assert client.get(url).status_code == status


def test_plan_questionnaires_attaches_and_removes(client, therapist, assignment, nprs):
    client.force_login(therapist.user)
    url = reverse("outcomes:plan_questionnaires", args=[assignment.pk])
    response = client.post(url, {"questionnaire": nprs.pk, "at_start": "on", "every_weeks": "4"})
    assert response.status_code == 302
    schedule = OutcomeSchedule.objects.get()
    assert (schedule.at_start, schedule.every_weeks, schedule.at_end) == (True, 4, False)
    response = client.post(url, {"questionnaire": nprs.pk, "at_start": "on"})
    assert response.status_code == 400
    assert "This plan already asks for it." in response.content.decode()
    response = client.post(url, {"questionnaire": nprs.pk})
    assert response.status_code == 400
    client.post(reverse("outcomes:schedule_remove", args=[schedule.pk]))
    assert not OutcomeSchedule.objects.exists()


def test_plan_questionnaires_refuses_another_clinics_questionnaire(
    client, therapist, assignment, other_clinic, licensed_resource
):
    version = questionnaire_import(clinic=other_clinic, resource=licensed_resource)
    client.force_login(therapist.user)
    url = reverse("outcomes:plan_questionnaires", args=[assignment.pk])
    response = client.post(url, {"questionnaire": version.questionnaire_id, "at_start": "on"})
    assert response.status_code == 400
    assert not OutcomeSchedule.objects.exists()


def test_schedule_remove_of_another_clinic_is_not_found(
    client, other_clinic_therapist, nprs_schedule
):
    client.force_login(other_clinic_therapist.user)
    url = reverse("outcomes:schedule_remove", args=[nprs_schedule.pk])
    assert client.post(url).status_code == 404
    assert OutcomeSchedule.objects.exists()


def test_scores_export_is_csv_of_every_response_made_spreadsheet_safe(
    client, therapist, patient, nprs, psfs
):
    make_response(patient, nprs, 7, days_ago=60)
    make_response(patient, nprs, 4, days_ago=10)
    make_response(patient, psfs, Decimal("3.5"), days_ago=5, answers={"activity-1": "=cmd"})
    client.force_login(therapist.user)
    response = client.get(reverse("outcomes:scores_export", args=[patient.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:5] == ["Date", "Answered", "Questionnaire", "Version", "Score"]
    assert [(row[2], row[4], row[7]) for row in rows[1:]] == [
        ("Numeric Pain Rating Scale", "7", "0"),
        ("Numeric Pain Rating Scale", "4", "-3"),
        ("Patient-Specific Functional Scale", "3.5", "0"),
    ]


def test_patient_fhir_export_is_a_valid_bundle(client, therapist, patient, nprs_schedule):
    response_submit(patient=patient, schedule=nprs_schedule, answers={"pain": 4})
    client.force_login(therapist.user)
    response = client.get(reverse("outcomes:patient_fhir", args=[patient.pk]))
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "Observation"]


@pytest.mark.parametrize("who", ["other_clinic_therapist", "patient", "other_patient"])
def test_staff_score_exports_of_another_are_not_found(client, request, who, patient):
    client.force_login(request.getfixturevalue(who).user)
    for name in ("outcomes:scores_export", "outcomes:patient_fhir"):
        assert client.get(reverse(name, args=[patient.pk])).status_code == 404


def test_progress_page_draws_scores_beside_adherence(client, therapist, patient, nprs, assignment):
    make_response(patient, nprs, 7, days_ago=28)
    make_response(patient, nprs, 4, days_ago=1)
    client.force_login(therapist.user)
    page = client.get(reverse("dashboard:progress", args=[patient.pk])).content.decode()
    assert 'class="mcid-band"' in page
    assert 'class="score-line"' in page
    assert "adherence-bar" in page
    assert "Better by 3 points, at least the MCID of 2." in page
    assert "style=" not in page.split('id="outcomes-title"')[1]


def test_progress_page_query_count_with_two_years_of_scores(
    client, therapist, patient, nprs, psfs, assignment, django_assert_max_num_queries
):
    for week in range(104):
        make_response(patient, nprs, 8 - week % 5, days_ago=7 * week)
        make_response(patient, psfs, 2 + week % 6, days_ago=7 * week + 1, answers={})
    client.force_login(therapist.user)
    url = reverse("dashboard:progress", args=[patient.pk])
    with django_assert_max_num_queries(30):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('class="score-point"') == 208


def test_answer_refused_by_the_service_shows_why(client, patient, nprs_schedule, monkeypatch):
    """A refusal the form could not foresee (answered meanwhile on another device)."""
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"schedule": "This questionnaire is not due today."})

    monkeypatch.setattr("patients.outcomes.views.response_submit", refuse)
    client.force_login(patient.user)
    response = client.post(reverse("outcomes:answer", args=[nprs_schedule.pk]), {"item_1": "3"})
    assert response.status_code == 400
    assert "This questionnaire is not due today." in response.content.decode()
