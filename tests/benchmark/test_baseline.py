"""The benchmark's floors, the hello and the baseline views, exist only when
BENCHMARK_BASELINE is on."""

import importlib

import pytest
from django.urls import clear_url_caches

import clinic.urls

pytestmark = pytest.mark.django_db

BASELINE_URL = "/bench/baseline/"
HELLO_URL = "/bench/hello/"


@pytest.fixture
def baseline_enabled(settings):
    settings.BENCHMARK_BASELINE = True
    importlib.reload(clinic.urls)
    clear_url_caches()
    yield
    settings.BENCHMARK_BASELINE = False
    importlib.reload(clinic.urls)
    clear_url_caches()


def test_baseline_is_absent_without_the_setting(client, patient, settings):
    assert settings.BENCHMARK_BASELINE is False
    client.force_login(patient.user)
    assert client.get(BASELINE_URL).status_code == 404


def test_baseline_is_absent_for_staff_without_the_setting(client, superuser):
    client.force_login(superuser)
    assert client.get(BASELINE_URL).status_code == 404
    assert client.get(HELLO_URL).status_code == 404


def test_hello_is_absent_without_the_setting(client):
    assert client.get(HELLO_URL).status_code == 404


def test_hello_touches_neither_the_session_nor_the_database(
    client, baseline_enabled, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(HELLO_URL)
    assert response.status_code == 200
    assert response.content == b"hello"
    assert "sessionid" not in response.cookies


def test_baseline_reads_the_signed_in_patients_row(client, patient, baseline_enabled):
    client.force_login(patient.user)
    response = client.get(BASELINE_URL)
    assert response.status_code == 200
    assert response.content.decode() == "Alice"


def test_baseline_asks_anonymous_to_sign_in(client, baseline_enabled):
    response = client.get(BASELINE_URL)
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_baseline_runs_one_query_after_sign_in(
    client, patient, baseline_enabled, django_assert_num_queries
):
    client.force_login(patient.user)
    # The user (the session comes from the cache, and the user too from the next request
    # on: clinic.signed_in), then the one row it reads.
    with django_assert_num_queries(2):
        client.get(BASELINE_URL)
