"""The audit trail: one row per patient-data request, no clinical text, append-only."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.audit import audit_record, is_audited_view
from clinic.models import AuditEvent, AuditTrailIsAppendOnly
from tests import factories

from .urlwalk import all_routes, filled_urls

pytestmark = pytest.mark.django_db

# URLs that show no patient's data. Anything else must record its access: decorate the
# view with clinic.audit.audits_patient (or use AuditedAPIMixin / AuditedAdminMixin), or,
# if it truly shows no patient data, add its name here with the reason.
NOT_PATIENT_DATA = {
    "login": "the sign-in form",
    "logout": "signs out",
    "audit_trail": "the trail itself (reading it is not a patient-data access)",
    "audit_trail_csv": "the trail itself",
    "admin:index": "list of models",
    "admin:app_list": "list of models",
    "admin:login": "the sign-in form",
    "admin:logout": "signs out",
    "admin:password_change": "the staff member's own password",
    "admin:password_change_done": "the staff member's own password",
    "admin:jsi18n": "translations",
    "admin:view_on_site": "redirects to a page that records its own access",
    "admin:autocomplete": "names only, to staff picking a patient of their own clinic",
    "admin:auth_user_password_change": "the operator's reset form (a username, no data)",
}
# Admin areas of models that hold no patient data.
NOT_PATIENT_DATA_PREFIXES = (
    "admin:auth_group_",
    "admin:clinic_clinic_",
    "admin:clinic_staffmember_",
    "admin:clinic_auditevent_",
    "admin:routines_",
    "admin:axes_",
    # The API's library, templates and their steps (patients' copies are not listed there),
    # the caller's own API keys, and the API's schema and docs.
    "api:exercise-",
    "api:routine-",
    "api:step-",
    "api:token-",
    "api-schema",
    "api-docs",
    "admin:apitokens_",
)


def _exempt(route) -> bool:
    if route.view_name in NOT_PATIENT_DATA:
        return True
    if route.view_name and route.view_name.startswith(NOT_PATIENT_DATA_PREFIXES):
        return True
    # The admin's old-style object URLs only redirect to the change page, and its catch-all
    # only redirects or 404s.
    view_class = getattr(route.callback, "view_class", None)
    return (view_class is not None and view_class.__name__ == "RedirectView") or (
        route.callback.__name__ == "catch_all_view"
    )


AUDITED = [route for route in all_routes() if is_audited_view(route.callback)]


def test_every_url_is_audited_or_declared_free_of_patient_data():
    unclassified = [
        route.label
        for route in all_routes()
        if not is_audited_view(route.callback) and not _exempt(route)
    ]
    assert unclassified == [], (
        "These URLs neither record patient-data access (clinic.audit.audits_patient, "
        "AuditedAPIMixin, AuditedAdminMixin) nor are listed in NOT_PATIENT_DATA: "
        f"{unclassified}"
    )


def test_the_registry_finds_the_patient_data_pages():
    labels = {route.label for route in AUDITED}
    assert {
        "home",
        "my_data_export",
        "patient_record_export",
        "admin:patients_patient_change",
        "admin:patients_patient_changelist",
        "admin:patients_assignment_change",
        "admin:patients_session_change",
        "admin:patients_completion_change",
    } <= labels


def _row_text(event: AuditEvent) -> str:
    return " ".join(str(getattr(event, field.attname)) for field in AuditEvent._meta.fields)


@pytest.mark.parametrize("route", AUDITED, ids=lambda route: route.label)
def test_patient_data_url_writes_exactly_one_audit_row_without_clinical_text(route, world, roles):
    """Every role requests the URL; each success writes one row, each refusal none."""
    succeeded, refused_to_operator = [], []
    for role, user in roles.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in filled_urls(route, world["prefer"]):
            before = set(AuditEvent.objects.values_list("pk", flat=True))
            response = client.get(url)
            new = list(AuditEvent.objects.exclude(pk__in=before))
            status = response.status_code
            assert status < 500, (role, url, status)
            if status < 300:
                succeeded.append((role, url))
                assert len(new) == 1, (role, url, new)
                event = new[0]
                assert event.user_id == user.pk
                assert event.request_id == response["X-Request-ID"]
                assert event.path_name == route.view_name
                for text in world["clinical"]:
                    assert text not in _row_text(event), (role, url, text)
            elif status < 400:
                assert len(new) <= 1, (role, url, new)
            else:
                assert new == [], (role, url, status)
                if role == "superuser" and status == 403:
                    refused_to_operator.append(url)
    # A page nobody may open (adding a recorded session) has nothing to record.
    assert succeeded or refused_to_operator, f"no role could open {route.label}"


def test_audit_row_names_the_patient_the_view_resolved(client, world):
    patient = world["patient"]
    client.force_login(patient.user)
    client.get(reverse("home"))
    event = AuditEvent.objects.get(path_name="home")
    assert (event.patient_id, event.clinic_id, event.action) == (
        patient.pk,
        patient.clinic_id,
        "view",
    )
    assert event.method == "GET"
    assert event.ip == "127.0.0.1"


def test_admin_change_of_an_assignment_is_recorded_as_a_change(client, world, therapist):
    assignment = world["assignment"]
    client.force_login(therapist.user)
    url = reverse("admin:patients_assignment_change", args=[assignment.pk])
    data = {
        "patient": assignment.patient_id,
        "routine": assignment.routine_id,
        "starts_on": assignment.starts_on.isoformat(),
        "ends_on": "",
        "weekdays": 127,
        "sessions_per_day": 2,
        "pauses-TOTAL_FORMS": 0,
        "pauses-INITIAL_FORMS": 0,
        "pauses-MIN_NUM_FORMS": 0,
        "pauses-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    event = AuditEvent.objects.get(path_name="admin:patients_assignment_change")
    assert (event.action, event.patient_id, event.status_code) == (
        "change",
        world["patient"].pk,
        302,
    )


def test_request_id_is_generated_and_returned(client, db):
    response = client.get(reverse("login"))
    assert len(response["X-Request-ID"]) == 32


def test_sane_request_id_from_the_proxy_is_kept_and_junk_replaced(client, world):
    client.force_login(world["patient"].user)
    response = client.get(reverse("home"), headers={"X-Request-ID": "edge-4f9a-77b1"})
    assert response["X-Request-ID"] == "edge-4f9a-77b1"
    assert AuditEvent.objects.get(path_name="home").request_id == "edge-4f9a-77b1"
    junk = client.get(reverse("home"), headers={"X-Request-ID": "<script>x</script>"})
    assert junk["X-Request-ID"] != "<script>x</script>"
    assert len(junk["X-Request-ID"]) == 32


def test_audit_record_helper_writes_one_row(rf, world, therapist):
    request = rf.get("/")
    request.user = therapist.user
    request.request_id = "req-12345678"
    event = audit_record(request, patient=world["patient"], action="view")
    assert (event.user, event.clinic_id, event.request_id) == (
        therapist.user,
        world["patient"].clinic_id,
        "req-12345678",
    )


def test_audit_event_cannot_be_changed_or_deleted_through_the_model(world):
    event = AuditEvent.objects.create(action="view", patient=world["patient"])
    event.action = "change"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="change")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_audit_event_cannot_be_updated_in_the_database(world):
    from django.db import transaction
    from django.db.utils import DatabaseError

    event = AuditEvent.objects.create(action="view", patient=world["patient"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_auditevent SET action = 'change' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the DELETE trigger is PostgreSQL's: SQLite's test flush must delete rows",
)
def test_audit_event_cannot_be_deleted_in_postgresql(world):
    from django.db import transaction
    from django.db.utils import DatabaseError

    event = AuditEvent.objects.create(action="view", patient=world["patient"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinic_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("role", ["clinic_admin", "superuser"])
def test_audit_admin_is_view_only(client, world, roles, role):
    event = world["prefer"][AuditEvent]
    client.force_login(roles[role])
    change = reverse("admin:clinic_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"action": "change"}).status_code == 403
    delete = reverse("admin:clinic_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:clinic_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_deleting_a_user_or_patient_keeps_their_trail(world, superuser):
    patient = world["patient"]
    event = AuditEvent.objects.create(action="view", patient=patient, user=patient.user)
    patient.user.delete()
    assert AuditEvent.objects.filter(pk=event.pk, user_id=event.user_id).exists()


# The clinic admin's trail page and CSV.


@pytest.fixture
def trail(world, clinic_admin, therapist, other_clinic_patient):
    now = timezone.now()
    patient = world["patient"]
    for days in range(60):
        AuditEvent.objects.create(
            at=now - datetime.timedelta(days=days),
            user=therapist.user,
            clinic=patient.clinic,
            patient=patient if days % 2 else world["other_session"].patient,
            action="view",
            path_name="home",
            request_id=f'=HYPERLINK("http://evil","x")-{days}',
        )
    AuditEvent.objects.create(
        user=other_clinic_patient.user,
        clinic=other_clinic_patient.clinic,
        patient=other_clinic_patient,
        action="view",
        path_name="other-clinic-page",
    )
    return patient


def test_audit_trail_shows_the_admins_clinic_paginated(
    client, trail, clinic_admin, django_assert_max_num_queries
):
    client.force_login(clinic_admin.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit_trail"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 61  # 60 above and the world's one
    assert len(page.object_list) == 50
    assert all(event.clinic_id == clinic_admin.clinic_id for event in page.object_list)
    assert b"other-clinic-page" not in response.content
    second = client.get(reverse("audit_trail"), {"page": 2})
    assert len(second.context["page"].object_list) == 11


def test_audit_trail_filters_by_patient_user_and_date(client, trail, clinic_admin, therapist):
    client.force_login(clinic_admin.user)
    today = timezone.localdate(timezone=clinic_admin.clinic.zone)
    response = client.get(
        reverse("audit_trail"),
        {
            "patient": trail.pk,
            "user": therapist.user.pk,
            "date_from": (today - datetime.timedelta(days=9)).isoformat(),
            "date_to": today.isoformat(),
        },
    )
    events = response.context["page"].object_list
    assert events
    assert all(e.patient_id == trail.pk and e.user_id == therapist.user.pk for e in events)
    assert len(events) == 5  # the odd days among the last ten


def test_audit_trail_rejects_bad_filters_with_400(
    client, trail, clinic_admin, other_clinic_patient
):
    client.force_login(clinic_admin.user)
    for params in (
        {"date_from": "yesterday"},
        {"patient": "abc"},
        {"patient": other_clinic_patient.pk},
        {"date_from": "2026-02-02", "date_to": "2026-01-01"},
    ):
        response = client.get(reverse("audit_trail"), params)
        assert response.status_code == 400, params
        assert b"form-error" in response.content


def test_audit_trail_csv_neutralises_formulas_and_keeps_to_the_clinic(client, trail, clinic_admin):
    client.force_login(clinic_admin.user)
    response = client.get(reverse("audit_trail_csv"), {"patient": trail.pk})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("at,user,patient_id")
    assert len(lines) == 1 + 30 + 1  # header, the odd days, the world's event
    assert "other-clinic-page" not in body
    assert ",=HYPERLINK" not in body
    assert "'=HYPERLINK" in body


@pytest.mark.parametrize("role", ["therapist", "patient", "other_clinic_therapist"])
def test_audit_trail_is_refused_to_other_roles(client, trail, roles, role):
    client.force_login(roles[role])
    assert client.get(reverse("audit_trail")).status_code == 403
    assert client.get(reverse("audit_trail_csv")).status_code == 403


def test_audit_trail_of_another_clinic_admin_shows_only_theirs(client, trail, other_clinic_admin):
    client.force_login(other_clinic_admin.user)
    response = client.get(reverse("audit_trail"))
    assert [e.path_name for e in response.context["page"].object_list] == ["other-clinic-page"]


def test_audit_trail_needs_a_sign_in(client, trail):
    response = client.get(reverse("audit_trail"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_factories_patient_has_no_trail_before_any_request(world):
    assert not AuditEvent.objects.exclude(pk=world["prefer"][AuditEvent].pk).exists()
    assert factories.PASSWORD
