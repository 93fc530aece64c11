"""The shipped questionnaires in both languages (issue 20): the NPRS and the PSFS read in the
request's language, in Limber's own French wording; FHIR still round-trips them."""

import pytest
from django.urls import reverse

from patients.outcomes.models import Item, Questionnaire

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-ca"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_shipped_questionnaire_reads_in_french(client, patient, nprs_schedule):
    client.force_login(patient.user)
    url = reverse("outcomes:answer", args=[nprs_schedule.pk])
    french = client.get(url, **FRENCH).content.decode()
    assert "Échelle numérique de la douleur" in french
    assert "quelle a été l&#x27;intensité de votre douleur?" in french
    assert "Aucune douleur" in french
    english = client.get(url, **ENGLISH).content.decode()
    assert "how strong was your pain?" in english
    assert "No pain" in english


def test_shipped_psfs_has_french_for_every_item():
    psfs = Questionnaire.objects.get(clinic=None, code="psfs")
    assert psfs.name_fr_ca == "Échelle fonctionnelle propre au patient"
    for item in Item.objects.filter(version__questionnaire=psfs):
        assert item.text_fr_ca
        assert item.text_fr_ca != item.text_en
        if item.kind == Item.Kind.SCALE:
            assert item.min_label_fr_ca
            assert item.max_label_fr_ca
