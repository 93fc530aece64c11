"""Needs attention: an outcome score worse by the MCID, or unchanged after six weeks."""

import pytest
from django.urls import reverse

from patients.models import Patient
from patients.review.adherence import clinic_overview, patients_needing_attention
from patients.review.services import attention_review_record

from .conftest import make_response

pytestmark = pytest.mark.django_db


def _reasons(clinic, patient):
    rows = clinic_overview(clinic=clinic, patient=patient, cached=False)
    return {reason.code: reason.text for reason in rows[0].reasons}


def test_worse_by_the_mcid_since_baseline_needs_attention(clinic, patient, nprs):
    make_response(patient, nprs, 3, days_ago=20)
    make_response(patient, nprs, 5, days_ago=1)
    reasons = _reasons(clinic, patient)
    assert reasons["outcome_worse"] == (
        "Numeric Pain Rating Scale worse by at least the MCID since baseline: 3 → 5 (MCID 2)"
    )
    flagged = patients_needing_attention(Patient.objects.filter(clinic=clinic), clinic=clinic)
    assert list(flagged) == [patient]


def test_worse_by_less_than_the_mcid_does_not(clinic, patient, nprs, psfs):
    make_response(patient, nprs, 3, days_ago=20)
    make_response(patient, nprs, 4, days_ago=1)
    # Function is better when higher: 6 -> 8 is an improvement.
    make_response(patient, psfs, 6, days_ago=20, answers={})
    make_response(patient, psfs, 8, days_ago=1, answers={})
    assert _reasons(clinic, patient) == {}


def test_no_meaningful_change_after_six_weeks_needs_attention(clinic, patient, psfs):
    make_response(patient, psfs, 4, days_ago=43, answers={})
    make_response(patient, psfs, 5, days_ago=0, answers={})
    reasons = _reasons(clinic, patient)
    assert reasons == {
        "outcome_unchanged": "Patient-Specific Functional Scale: no meaningful change after 6 "
        "weeks: 4 → 5 (MCID 2)"
    }


def test_no_change_before_six_weeks_does_not(clinic, patient, psfs):
    make_response(patient, psfs, 4, days_ago=30, answers={})
    make_response(patient, psfs, 4, days_ago=0, answers={})
    assert _reasons(clinic, patient) == {}


def test_a_review_covers_the_outcome_reason_until_a_new_answer(clinic, patient, therapist, nprs):
    make_response(patient, nprs, 2, days_ago=20)
    make_response(patient, nprs, 6, days_ago=2)
    attention_review_record(
        patient=patient, reviewed_by=therapist.user, reasons=["outcome_worse"], last_session=None
    )
    assert _reasons(clinic, patient) == {}
    make_response(patient, nprs, 7, days_ago=0)
    assert "outcome_worse" in _reasons(clinic, patient)


def test_staff_home_page_shows_the_outcome_reason(client, clinic, therapist, patient, nprs):
    make_response(patient, nprs, 3, days_ago=20)
    make_response(patient, nprs, 6, days_ago=1)
    client.force_login(therapist.user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "Numeric Pain Rating Scale worse by at least the MCID since baseline" in page


def test_stored_outcome_reason_names_the_questionnaire_in_each_readers_language(
    client, clinic, therapist, patient, nprs
):
    """The reason's figures are stored once; each physiotherapist reads them in their own
    language, the questionnaire's name included."""
    make_response(patient, nprs, 3, days_ago=20)
    make_response(patient, nprs, 6, days_ago=1)
    client.force_login(therapist.user)
    english = client.get(reverse("dashboard:home")).content.decode()  # stores the summary
    assert "Numeric Pain Rating Scale worse by at least the MCID" in english
    therapist.language = "fr-ca"
    therapist.save(update_fields=["language"])
    french = client.get(reverse("dashboard:home")).content.decode()
    assert f"{nprs.name_fr_ca} :" in french
    assert "Numeric Pain Rating Scale" not in french
