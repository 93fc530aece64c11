"""The signed-in user and their session come from the cache (clinic.signed_in), and
every change that matters to a sign-in still takes effect at the very next request."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic import signed_in
from clinic.accounts.signin import RoleBackend
from clinic.models import StaffMember
from patients.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = reverse("patients:today")
PATIENTS = reverse("staff:patient_list")
TEAM = reverse("team:staff_list")


def _tables_read(queries) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _signed_in(client, user) -> Client:
    client.force_login(user)
    return client


def test_second_request_reads_neither_session_nor_user(
    client, patient, django_assert_max_num_queries
):
    from django.db import connection

    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TODAY).status_code == 200
    sql = _tables_read(queries)
    assert '"django_session"' not in sql
    assert 'FROM "clinic_user"' not in sql
    # Today's plans and the audit row: nothing of the sign-in.
    with django_assert_max_num_queries(2):
        client.get(TODAY)


def test_staff_second_request_reads_neither_session_nor_user(client, therapist):
    from django.db import connection

    _signed_in(client, therapist.user)
    assert client.get(PATIENTS).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PATIENTS).status_code == 200
    sql = _tables_read(queries)
    assert '"django_session"' not in sql
    assert 'FROM "clinic_user"' not in sql


def test_sign_out_everywhere_ends_a_cached_sign_in(client, patient, clinic_admin):
    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    admin = _signed_in(Client(), clinic_admin.user)
    response = admin.post(
        reverse("admin:patients_patient_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [patient.pk]},
    )
    assert response.status_code == 302
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_revoking_a_patients_access_ends_a_cached_sign_in(client, patient, therapist):
    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    staff = _signed_in(Client(), therapist.user)
    assert staff.post(reverse("staff:patient_revoke", args=[patient.pk])).status_code == 302
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_archiving_a_patient_closes_their_pages_at_once(client, patient, therapist):
    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    staff = _signed_in(Client(), therapist.user)
    assert staff.post(reverse("staff:patient_archive", args=[patient.pk])).status_code == 302
    assert client.get(TODAY).status_code == 404
    assert staff.post(reverse("staff:patient_restore", args=[patient.pk])).status_code == 302
    assert client.get(TODAY).status_code == 200


def test_deactivating_a_staff_member_ends_a_cached_sign_in(client, therapist, clinic_admin):
    _signed_in(client, therapist.user)
    assert client.get(PATIENTS).status_code == 200
    admin = _signed_in(Client(), clinic_admin.user)
    assert admin.post(reverse("team:staff_deactivate", args=[therapist.id])).status_code == 302
    response = client.get(PATIENTS)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_new_password_ends_other_cached_sign_ins(client, patient):
    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    user = get_user_model().objects.get(pk=patient.user_id)
    user.set_password("a-brand-new-password-42")
    user.save()
    response = client.get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_role_change_or_removal_applies_at_once(client, clinic_admin):
    _signed_in(client, clinic_admin.user)
    assert client.get(TEAM).status_code == 200
    member = StaffMember.objects.get(pk=clinic_admin.pk)
    member.role = StaffMember.Role.PHYSIOTHERAPIST
    member.save()
    assert client.get(TEAM).status_code == 404
    assert client.get(PATIENTS).status_code == 200
    member.delete()
    assert client.get(PATIENTS).status_code == 404


def test_the_clinics_two_step_rule_applies_at_once(client, therapist, clinic_admin):
    """A physiotherapist signed in with a password only is held at the second step as soon
    as their clinic asks for it, though their clinic came from the cache until then."""
    assert client.login(username=therapist.user.username, password=factories.PASSWORD)
    assert client.get(PATIENTS).status_code == 200
    admin = _signed_in(Client(), clinic_admin.user)
    url = reverse("team:two_factor_setting")
    assert admin.post(url, {"required": "on"}).status_code == 302
    response = client.get(PATIENTS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:verify"))


def test_the_clinics_time_zone_applies_at_once(client, patient, clinic):
    _signed_in(client, patient.user)
    assert client.get(TODAY).status_code == 200
    clinic.timezone = "Pacific/Kiritimati"
    clinic.save()
    response = client.get(TODAY)
    assert response.context["today"] == clinic.today()


def test_a_user_changed_while_being_read_is_not_cached_stale(patient):
    """The race the tokens close: a request reads the user, the user changes (and is
    forgotten) before that request stores its copy. The next request must not get it."""
    backend = RoleBackend()
    user_id = patient.user_id

    def load_then_change():
        user = get_user_model().objects.select_related("patient__clinic").get(pk=user_id)
        Patient.objects.filter(pk=patient.pk).update(first_name="Changed")
        get_user_model().objects.filter(pk=user_id).update(is_active=False)
        signed_in.forget_users([user_id])
        return user

    stale = signed_in.cached_user(user_id, load_then_change)
    assert stale.is_active
    assert backend.get_user(user_id) is None


def test_without_the_setting_every_request_reads_the_user(client, patient, settings):
    from django.db import connection

    settings.SIGNED_IN_CACHE = False
    _signed_in(client, patient.user)
    client.get(TODAY)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TODAY).status_code == 200
    assert 'FROM "clinic_user"' in _tables_read(queries)


def test_api_key_requests_read_the_key_but_not_the_user(therapist):
    from django.db import connection
    from rest_framework.test import APIClient

    from clinic.api.tokens.services import api_token_create

    _token, raw = api_token_create(user=therapist.user, name="Integration")
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("api:patient-list")
    assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    sql = _tables_read(queries)
    assert "apitokens_apitoken" in sql
    assert 'FROM "clinic_user"' not in sql


def test_api_key_of_a_deactivated_member_is_refused_at_once(therapist, clinic_admin):
    from rest_framework.test import APIClient

    from clinic.api.tokens.services import api_token_create

    _token, raw = api_token_create(user=therapist.user, name="Integration")
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = reverse("api:patient-list")
    assert api.get(url).status_code == 200
    admin = _signed_in(Client(), clinic_admin.user)
    assert admin.post(reverse("team:staff_deactivate", args=[therapist.id])).status_code == 302
    assert api.get(url).status_code == 401


def test_a_patient_record_moved_to_another_sign_in_leaves_the_old_one_at_once(client, patient):
    old_user = patient.user
    _signed_in(client, old_user)
    assert client.get(TODAY).status_code == 200
    record = Patient.objects.get(pk=patient.pk)
    record.user = factories.make_user("someone-else")
    record.save()
    assert client.get(TODAY).status_code == 404
