"""API keys (made, used, revoked; only a hash stored), the one error format, the schema
and its docs page served from the app itself."""

import pytest
from django.urls import reverse

from clinic.api.tokens.models import ApiToken
from clinic.api.tokens.services import api_token_create, hash_token
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_tokens_staff_make_a_key_shown_once_and_only_its_hash_is_stored(api, therapist):
    api.force_authenticate(therapist.user)
    response = api.post("/api/v1/tokens/", {"name": "Practice software"}, format="json")
    assert response.status_code == 201
    key = response.json()["key"]
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(key) != key
    assert key not in str(ApiToken.objects.values_list())
    listed = api.get("/api/v1/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["Practice software"]
    assert "key" not in listed[0]


def test_tokens_a_key_authenticates_until_revoked(api, therapist):
    headers = bearer(therapist.user)
    api.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
    assert api.get("/api/v1/exercises/").status_code == 200
    token = ApiToken.objects.get()
    assert api.delete(f"/api/v1/tokens/{token.id}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = api.get("/api/v1/exercises/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_tokens_a_wrong_key_is_401_in_the_error_format(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-key")
    response = api.get("/api/v1/exercises/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"code", "detail", "fields"}


def test_tokens_are_staff_only_and_each_sees_their_own(api, therapist, colleague, patient):
    api_token_create(user=colleague.user, name="Theirs")
    api.force_authenticate(therapist.user)
    assert api.get("/api/v1/tokens/").json()["count"] == 0
    theirs = ApiToken.objects.get()
    assert api.delete(f"/api/v1/tokens/{theirs.id}/").status_code == 404
    api.force_authenticate(patient.user)
    assert api.get("/api/v1/tokens/").status_code == 404


def test_tokens_admin_shows_the_new_key_once(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        reverse("admin:apitokens_apitoken_add"), {"name": "Reception PC"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.user == therapist.user
    shown = [str(message) for message in response.context["messages"]]
    assert any(token.prefix in message for message in shown)


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/nowhere/", 404, "not_found"),
        ("put", "/api/v1/exercises/", 405, "method_not_allowed"),
        ("get", "/api/v1/exercises/999999/", 404, "not_found"),
        ("get", "/api/v1/exercises/?page_size=1000", 400, "invalid"),
        ("get", "/api/v1/exercises/?builtin=maybe", 400, "invalid"),
    ],
)
def test_errors_all_have_one_format(api, therapist, method, url, status, code):
    api.force_authenticate(therapist.user)
    response = getattr(api, method)(url)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == code


def test_errors_unsupported_media_type_is_415(api, therapist):
    api.force_authenticate(therapist.user)
    response = api.post("/api/v1/routines/", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_errors_validation_lists_messages_per_field(api, therapist):
    api.force_authenticate(therapist.user)
    response = api.post("/api/v1/exercises/", {"name": 7, "default_sets": 99}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["name"] == ["Send text here."]
    assert "default_sets" in fields
    assert "body_region" in fields


def test_errors_a_built_in_is_read_only(api, therapist):
    api.force_authenticate(therapist.user)
    builtin = api.get("/api/v1/exercises/?builtin=true").json()["results"][0]
    response = api.patch(f"/api/v1/exercises/{builtin['id']}/", {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_schema_is_openapi_3_and_docs_come_from_the_app(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "<style" not in html
    assert "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
