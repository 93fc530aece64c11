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


def test_fhir_export_carries_the_french_and_an_import_takes_it_back(clinic, nprs):
    from patients.outcomes import fhir
    from patients.outcomes.services import questionnaire_import

    version = nprs.versions.get()
    resource = fhir.questionnaire_resource(version)
    assert resource["title"] == "Numeric Pain Rating Scale"
    translation = resource["_title"]["extension"][0]
    assert translation["url"] == fhir.TRANSLATION
    assert {"url": "lang", "valueCode": "fr-CA"} in translation["extension"]
    assert {"url": "content", "valueString": "Échelle numérique de la douleur"} in translation[
        "extension"
    ]
    item = resource["item"][0]
    assert item["_text"]["extension"][0]["extension"][1]["valueString"].startswith("En moyenne")

    resource["name"] = "our-nprs"
    imported = questionnaire_import(clinic=clinic, resource=resource)
    assert imported.title_fr_ca == "Échelle numérique de la douleur"
    assert imported.questionnaire.name_fr_ca == "Échelle numérique de la douleur"
    assert imported.items.get().text_fr_ca.startswith("En moyenne")
    # Exported again, it is the same questionnaire.
    again = fhir.questionnaire_resource(imported)
    assert again["_title"] == resource["_title"]
    assert again["item"][0]["_text"] == item["_text"]


def test_fhir_export_in_french_reads_french_with_the_english_as_translation(nprs):
    from django.utils import translation

    from patients.outcomes import fhir

    with translation.override("fr-ca"):
        resource = fhir.questionnaire_resource(nprs.versions.get())
    assert resource["title"] == "Échelle numérique de la douleur"
    assert {"url": "lang", "valueCode": "en"} in resource["_title"]["extension"][0]["extension"]
