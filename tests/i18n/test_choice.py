"""Each person reads Limber in the language they chose, kept on their account; else their
browser's, else their clinic's. Anonymous pages follow the language cookie, then the browser."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.models import StaffMember
from tests import factories

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def switch(client, language: str, next_url: str = "/today/", **extra):
    return client.post(
        reverse("language_switch"), {"language": language, "next": next_url}, **extra
    )


def test_patient_choice_is_kept_on_the_account_by_the_switcher(client, patient):
    client.force_login(patient.user)
    response = switch(client, "fr-ca", "/today/")

    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr-ca"
    patient.refresh_from_db()
    assert patient.language == "fr-ca"
    page = client.get(reverse("patients:today"))
    assert html_lang(page) == "fr-CA"
    assert page["Content-Language"] == "fr-ca"


def test_the_choice_follows_the_patient_to_another_browser(patient):
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    from django.test import Client

    fresh = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    fresh.force_login(patient.user)
    assert html_lang(fresh.get(reverse("patients:today"))) == "fr-CA"


def test_staff_choice_is_kept_on_the_staff_membership(client, therapist):
    client.force_login(therapist.user)
    response = switch(client, "fr-ca", "/staff/")

    assert response["Location"] == "/staff/"
    therapist.refresh_from_db()
    assert therapist.language == "fr-ca"
    assert html_lang(client.get(reverse("dashboard:home"))) == "fr-CA"

    switch(client, "en", "/staff/")
    therapist.refresh_from_db()
    assert therapist.language == "en"
    assert html_lang(client.get(reverse("dashboard:home"))) == "en"


def test_chosen_language_wins_over_the_browser(client, patient):
    patient.language = "en"
    patient.save(update_fields=["language"])
    client.force_login(patient.user)
    page = client.get(reverse("patients:today"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert html_lang(page) == "en"


@pytest.mark.parametrize("header", ["fr-CA,fr;q=0.9", "fr", "fr-FR", "de-DE,fr;q=0.5"])
def test_without_a_choice_the_browser_language_is_used(client, patient, header):
    client.force_login(patient.user)
    page = client.get(reverse("patients:today"), HTTP_ACCEPT_LANGUAGE=header)
    assert html_lang(page) == "fr-CA"


def test_without_a_choice_or_a_known_browser_language_the_clinic_decides(client, patient):
    client.force_login(patient.user)
    german = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}
    assert html_lang(client.get(reverse("patients:today"), **german)) == "en"

    patient.clinic.language = "fr-ca"
    patient.clinic.save(update_fields=["language"])
    assert html_lang(client.get(reverse("patients:today"), **german)) == "fr-CA"
    assert html_lang(client.get(reverse("patients:today"))) == "fr-CA"  # no header at all


def test_staff_without_a_choice_get_their_clinics_language(client, therapist):
    therapist.clinic.language = "fr-ca"
    therapist.clinic.save(update_fields=["language"])
    client.force_login(therapist.user)
    assert html_lang(client.get(reverse("dashboard:home"))) == "fr-CA"


def test_anonymous_switcher_keeps_the_choice_in_the_cookie(client):
    page = client.get(reverse("login"))
    assert html_lang(page) == "en"
    assert 'action="/language/"' in page.content.decode()

    response = switch(client, "fr-ca", "/login/")
    assert response["Location"] == "/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr-ca"
    assert html_lang(client.get(reverse("login"))) == "fr-CA"
    assert html_lang(client.get(reverse("password_reset"))) == "fr-CA"


def test_anonymous_pages_follow_the_browser_without_a_cookie(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.8")
    assert html_lang(page) == "fr-CA"
    assert html_lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_switcher_is_on_the_invitation_and_password_pages(client, patient):
    from patients.roster.services import invitation_create

    _invitation, token = invitation_create(patient=patient, created_by=None)
    for url in (
        reverse("account:invite_accept", args=[token]),
        reverse("password_reset"),
        reverse("login"),
    ):
        page = client.get(url, follow=True)
        assert 'class="language-switch"' in page.content.decode(), url


def test_switcher_refuses_a_language_it_does_not_offer(client, patient):
    client.force_login(patient.user)
    response = switch(client, "de", "/today/")
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    page = client.get(response["Location"])
    assert "Choose one of the languages offered." in page.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/today/", "javascript:alert(1)", ""]
)
def test_switcher_only_returns_to_this_site(client, next_url):
    response = switch(client, "fr-ca", next_url)
    assert response["Location"] == "/"


def test_switcher_takes_post_only(client):
    assert client.get(reverse("language_switch")).status_code == 405


def test_switcher_needs_the_csrf_token(patient):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(patient.user)
    assert switch(strict, "fr-ca").status_code == 403
    patient.refresh_from_db()
    assert patient.language == ""


def test_operator_without_a_role_switches_by_cookie(client, superuser):
    client.force_login(superuser)
    response = switch(client, "fr-ca", "/admin/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr-ca"


def test_admin_speaks_french_from_djangos_own_catalog(client, clinic_admin):
    """Django's admin strings come from its 'fr' catalog, which fr_CA falls back to."""
    clinic_admin.language = "fr-ca"
    clinic_admin.save(update_fields=["language"])
    client.force_login(clinic_admin.user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Déconnexion" in page
    assert 'lang="fr-ca"' in page or 'lang="fr-CA"' in page
    change = client.get(reverse("admin:clinic_staffmember_change", args=[clinic_admin.pk]))
    assert change.status_code == 200
    assert 'name="language"' in change.content.decode()


def test_admin_edits_a_patients_and_the_clinics_language(client, clinic_admin, patient):
    client.force_login(clinic_admin.user)
    page = client.get(reverse("admin:patients_patient_change", args=[patient.pk]))
    assert 'name="language"' in page.content.decode()
    page = client.get(reverse("admin:clinic_clinic_change", args=[clinic_admin.clinic.pk]))
    assert 'name="language"' in page.content.decode()


def test_clinic_admin_sets_the_clinics_language_on_the_team_page(client, clinic_admin):
    client.force_login(clinic_admin.user)
    page = client.get(reverse("team:staff_list")).content.decode()
    assert 'name="language"' in page
    response = client.post(
        reverse("team:clinic_contact"), {"address": "1 Main St", "phone": "", "language": "fr-ca"}
    )
    assert response.status_code == 302
    clinic_admin.clinic.refresh_from_db()
    assert clinic_admin.clinic.language == "fr-ca"
    assert clinic_admin.clinic.address == "1 Main St"


def test_team_page_refuses_an_unknown_clinic_language(client, clinic_admin):
    client.force_login(clinic_admin.user)
    response = client.post(
        reverse("team:clinic_contact"), {"address": "", "phone": "", "language": "xx"}
    )
    assert response.status_code == 400
    clinic_admin.clinic.refresh_from_db()
    assert clinic_admin.clinic.language == "en"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("sign_in", ["force_login", "login"])
def test_language_costs_no_query(client, patient, therapist, settings, sign_in):
    """The role and the clinic come with the user (clinic.accounts.signin.RoleBackend): the
    middleware that reads them adds no query to a page."""
    patient.language = "fr-ca"
    patient.save(update_fields=["language"])
    with_middleware = list(settings.MIDDLEWARE)
    without_middleware = [
        name for name in with_middleware if not name.endswith(".LanguageMiddleware")
    ]
    assert len(without_middleware) == len(with_middleware) - 1
    for person, url in (
        (patient, reverse("patients:today")),
        (therapist, reverse("dashboard:home")),
    ):
        if sign_in == "login":
            assert client.login(username=person.user.username, password=factories.PASSWORD)
        else:
            client.force_login(person.user)
        client.get(url)  # the session's first touches
        settings.MIDDLEWARE = with_middleware
        with_language = _queries(client, url)
        settings.MIDDLEWARE = without_middleware
        without_language = _queries(client, url)
        settings.MIDDLEWARE = with_middleware
        assert with_language <= without_language, (person, with_language, without_language)
        client.logout()


def test_staff_member_choice_survives_as_a_valid_choice_only(therapist):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.filter(pk=therapist.pk).update(language="de")
