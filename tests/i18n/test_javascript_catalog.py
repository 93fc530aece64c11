"""limber/*.js read their strings from Django's JavaScript catalog: one file per language,
same origin (the strict Content-Security-Policy allows only 'self' scripts, never inline)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def catalog_url(page) -> str:
    return re.search(r'<script src="(/jsi18n/[^"]+)" defer></script>', page.content.decode())[1]


def test_french_page_loads_the_french_catalog_from_its_own_origin(client, patient):
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    client.force_login(patient.user)
    page = client.get(reverse("patients:today"))
    url = catalog_url(page)
    assert url.startswith("/jsi18n/fr-ca.js?v=")

    policy = page["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy)[1].split()
    assert script_src == ["'self'"]  # a same-origin file is all it needs
    assert "<script>" not in page.content.decode()  # nothing inline

    catalog = client.get(url)
    assert catalog.status_code == 200
    assert catalog["Content-Type"].startswith("text/javascript")
    body = catalog.content.decode()
    assert '"%(state)s: %(phase)s": "%(state)s : %(phase)s"' in body
    assert "exercices trouv" in body
    assert "const v = (n > 1);" in body  # French: 0 and 1 are singular
    assert "max-age=31536000" in catalog["Cache-Control"]


def test_english_page_loads_the_english_catalog(client, patient):
    client.force_login(patient.user)
    url = catalog_url(client.get(reverse("patients:today")))
    assert url.startswith("/jsi18n/en.js?v=")
    body = client.get(url).content.decode()
    assert "exercices" not in body


def test_catalog_is_public_for_the_sign_in_pages(client):
    url = catalog_url(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA"))
    assert url.startswith("/jsi18n/fr-ca.js")
    assert client.get(url).status_code == 200


def test_catalog_answers_the_language_in_its_url_whatever_the_reader(client):
    """Cached per URL, so the URL alone decides: a French reader asking for the English one
    gets English, and the other way round."""
    body = client.get("/jsi18n/en.js", HTTP_ACCEPT_LANGUAGE="fr-CA").content.decode()
    assert "exercices" not in body
    body = client.get("/jsi18n/fr-ca.js", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "exercices" in body
    body = client.get("/jsi18n/fr-ca.js", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "exercices" in body  # from the cache now


@pytest.mark.parametrize("language", ["de", "xx", "fr"])
def test_catalog_of_a_language_not_offered_is_404(client, language):
    assert client.get(f"/jsi18n/{language}.js").status_code == 404
