"""The demo clinic shows outcome measures: pain scores every two weeks, one of them due."""

import pytest
from django.core.management import call_command

from clinic.models import Clinic
from patients.models import Patient
from patients.outcomes.selectors import due_questionnaires
from patients.review.adherence import clinic_overview

from .shipped import install_shipped_questionnaires

pytestmark = pytest.mark.django_db


def test_seed_demo_has_pain_scores_and_asks_anna(capsys):
    install_shipped_questionnaires()
    call_command("seed_demo")
    clinic = Clinic.objects.get(name="Limber Demo Clinic")
    anna = Patient.objects.get(clinic=clinic, first_name="Anna")
    assert [due.questionnaire.code for due in due_questionnaires(patient=anna)] == ["nprs"]
    iris = Patient.objects.get(clinic=clinic, first_name="Iris")
    assert iris.questionnaire_responses.count() == 5
    (row,) = clinic_overview(clinic=clinic, patient=iris, cached=False)
    assert "outcome_worse" in row.reason_codes
