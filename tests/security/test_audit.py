"""The audit trail: one row per patient-data request, no clinical text, append-only."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.audit.coverage import is_audited_view
from clinic.audit.trail import audit_record
from clinic.models import AuditEvent, AuditTrailIsAppendOnly
from patients.sessions.services import session_start
from tests import factories
from tests.security.urlwalk import all_routes, filled_urls

pytestmark = pytest.mark.django_db

# URLs that show no patient's data. Anything else must record its access: decorate the
# view with clinic.audit.trail.audits_patient (or use AuditedAPIMixin / AuditedAdminMixin), or,
# if it truly shows no patient data, add its name here with the reason.
NOT_PATIENT_DATA = {
    "login": "the sign-in form",
    "logout": "signs out",
    "keep_alive": "restarts a staff member's idle clock",
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
    "home": "only redirects each role to its own start page, which records its access",
    "routines:exercise_list": "the exercise library: no patient's data",
    "routines:exercise_create": "adds an exercise to the library",
    "routines:exercise_detail": "one library exercise",
    "routines:exercise_update": "edits a library exercise",
    "media_file": "an exercise's picture or video: library content, no patient's data",
    "routines:routine_list": "templates and drafts only; patients' own copies are left out",
    "routines:routine_create": "starts a new draft routine, nobody's plan",
    "team:staff_list": "the clinic's staff, no patients",
    "team:staff_create": "adds a staff member",
    "team:staff_deactivate": "a staff member's access",
    "team:staff_resend": "a staff member's invitation email",
    "team:staff_reactivate": "a staff member's access",
    "team:welcome": "a new staff member sets their password",
    "team:two_factor_setting": "the clinic's sign-in policy",
    "team:clinic_contact": "the clinic's address and phone for handouts",
    "two_factor:verify": "the second sign-in step",
    "two_factor:enrol": "sets up the staff member's own authenticator (audited as create)",
    "password_reset": "asks for a reset link (audited without the address)",
    "password_reset_done": "a fixed page",
    "password_reset_confirm": "sets the user's own password (audited)",
    "password_reset_complete": "a fixed page",
    "service_worker": "the offline app's script, the same for everyone",
    "manifest": "the installable app's name and icons",
    "favicon": "the icon",
    "outcomes:questionnaire_list": "questionnaires: Limber's and the clinic's, no patient's",
    "outcomes:questionnaire_import": "adds a questionnaire to the clinic",
    "outcomes:questionnaire_detail": "one questionnaire's items and licence",
    "outcomes:questionnaire_fhir": "one questionnaire as FHIR",
    "language_switch": "the caller's own language (issue 20)",
    "javascript_catalog": "the JavaScript strings' translations, the same for everyone",
    "api:my-language": "the caller's own language",
    "api:clinic-settings": "the clinic's language, address and phone: no patient's data",
}
# Admin areas of models that hold no patient data.
NOT_PATIENT_DATA_PREFIXES = (
    "admin:auth_group_",
    "admin:clinic_clinic_",
    "admin:clinic_staffmember_",
    "admin:clinic_auditevent_",
    "admin:routines_",
    # Progression rules and the clinic's default gates, like the routines' steps they belong
    # to (a plan's own gates, admin:patients_plangates_, are audited).
    "admin:progression_",
    "admin:axes_",
    # The API's library, templates and their steps (patients' copies are not listed there),
    # the caller's own API keys, and the API's schema and docs.
    "api:exercise-",
    "api:routine-",
    "api:step-",
    "api:token-",
    "api:questionnaire-",
    "admin:outcomes_questionnaire_",
    "api-schema",
    "api-docs",
    "admin:apitokens_",
    # A clinic's reminder defaults (times and channels, no patient), and django-q2's queue,
    # whose tasks carry no patient data (the reminder worker's counts only).
    "admin:reminders_clinicreminderdefaults_",
    "admin:django_q_",
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
        "These URLs neither record patient-data access (clinic.audit.trail.audits_patient, "
        "AuditedAPIMixin, AuditedAdminMixin) nor are listed in NOT_PATIENT_DATA: "
        f"{unclassified}"
    )


def test_the_registry_finds_the_patient_data_pages():
    labels = {route.label for route in AUDITED}
    assert {
        "patients:today",
        "patients:session",
        "patients:session_review",
        "api:session-detail",
        "staff:patient_list",
        "staff:patient_detail",
        "dashboard:home",
        "dashboard:progress",
        "routines:builder",
        "account:invite_accept",
        "my_data_export",
        "patient_record_export",
        "admin:patients_patient_change",
        "admin:patients_patient_changelist",
        "admin:patients_assignment_change",
        "admin:patients_session_change",
        "admin:patients_completion_change",
        "outcomes:answer",
        "outcomes:results",
        "outcomes:plan_questionnaires",
        "outcomes:scores_export",
        "outcomes:patient_fhir",
        "api:response-detail",
        "api:response-fhir",
        "api:schedule-detail",
        "api:due-list",
    } <= labels


def _row_text(event: AuditEvent) -> str:
    return " ".join(str(getattr(event, field.attname)) for field in AuditEvent._meta.fields)


@pytest.mark.parametrize("route", AUDITED, ids=lambda route: route.label)
def test_patient_data_url_writes_exactly_one_audit_row_without_clinical_text(route, world, roles):
    """Every role requests the URL; each success writes one row, each refusal none.

    A URL that only takes POST answers GET with 405; its writes are proved one by one in
    test_patient_data_change_writes_one_audit_row, which must then list it.
    """
    prefer = {**world["prefer"], **world["prefer_for"].get(route.view_name, {})}
    succeeded, refused_to_operator, post_only, answers = [], [], [], []
    for role, user in roles.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in filled_urls(route, prefer):
            before = set(AuditEvent.objects.values_list("pk", flat=True))
            response = client.get(url)
            new = list(AuditEvent.objects.exclude(pk__in=before))
            status = response.status_code
            answers.append((role, url, status, response.get("Location", "")))
            assert status < 500, (role, url, status)
            if status < 400:
                # A redirect may be the sign-in page's (nothing read) or the page's own answer.
                assert len(new) == 1 if status < 300 else len(new) <= 1, (role, url, new)
                for event in new:
                    succeeded.append((role, url))
                    assert event.user_id == (user.pk if user is not None else None)
                    assert event.request_id == response["X-Request-ID"]
                    assert event.path_name == route.view_name
                    for text in world["clinical"]:
                        assert text not in _row_text(event), (role, url, text)
            else:
                assert new == [], (role, url, status)
                if role == "superuser" and status == 403:
                    refused_to_operator.append(url)
                if status == 405:
                    post_only.append(url)
    if post_only and not succeeded:
        assert route.view_name in WRITES, f"{route.label} takes POST: add it to WRITES"
        return
    # A page nobody may open (adding a recorded session) has nothing to record.
    assert succeeded or refused_to_operator, f"no role could open {route.label}: {answers}"


def _open_session(world, *, every_step_done: bool = False):
    """Today's open session of the world's plan (every step done: ready to finish)."""
    session = session_start(assignment=world["assignment"])
    if every_step_done:
        factories.record_every_step(session)
    return session


def _first_step(world):
    return world["assignment"].routine.steps.order_by("position").first()


def _first_unit(world) -> dict:
    """Done: the first side of the first set of the first step, as the player posts it."""
    step = _first_step(world)
    return {
        "client_id": str(uuid.uuid4()),
        "step": step.pk,
        "set_number": 1,
        "side": step.side_names[0],
        "status": "done",
    }


def _schedule(**extra):
    today = timezone.localdate().isoformat()
    return {"starts_on": today, "weekdays": [0, 2, 4], "sessions_per_day": 1, **extra}


def _reachable(world):
    """The world's patient with an email address, so a reminder can be sent now."""
    world["patient"].email = "alice@example.org"
    world["patient"].save(update_fields=["email"])
    return world["patient"]


PUSH_SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/device-1",
    # A P-256 public point (65 bytes) and a 16-byte secret, base64url, as a browser sends.
    "p256dh": "BPS81OPCMM2S6MWbuMb4Z98KqCtMfPCYyEw0IO27LcROs4mv-"
    "DKayGycsfKCr28KYRStESm66bO_xp3YrMLXv0E",
    "auth": "AAECAwQFBgcICQoLDA0ODw",
}


# Each write to a patient's data, made as it succeeds: (role, how to build the request).
# The builder returns (url name, args, form or JSON data, expected action).
WRITES = {
    "patients:start": (
        "patient",
        lambda w: ("patients:start", [w["assignment"].pk], {}, "change"),
    ),
    "patients:session_complete": (
        "patient",
        lambda w: ("patients:session_complete", [_open_session(w).pk], _first_unit(w), "change"),
    ),
    "patients:session_finish": (
        "patient",
        lambda w: (
            "patients:session_finish",
            [_open_session(w, every_step_done=True).pk],
            {"pain": 2},
            "change",
        ),
    ),
    "api:session-completions": (
        "patient",
        lambda w: ("api:session-completions", [_open_session(w).pk], _first_unit(w), "change"),
    ),
    "api:session-finish": (
        "patient",
        lambda w: (
            "api:session-finish",
            [_open_session(w, every_step_done=True).pk],
            {"pain": 2},
            "change",
        ),
    ),
    "account:plan_change_seen": (
        "patient",
        lambda w: ("account:plan_change_seen", [w["assignment"].pk], {}, "change"),
    ),
    "staff:patient_archive": (
        "therapist",
        lambda w: ("staff:patient_archive", [w["patient"].pk], {}, "change"),
    ),
    "staff:patient_restore": (
        "therapist",
        lambda w: ("staff:patient_restore", [w["patient"].pk], {}, "change"),
    ),
    "staff:patient_invite": (
        "therapist",
        lambda w: ("staff:patient_invite", [w["patient"].pk], {}, "change"),
    ),
    "staff:patient_revoke": (
        "therapist",
        lambda w: ("staff:patient_revoke", [w["patient"].pk], {}, "change"),
    ),
    "staff:patient_update": (
        "therapist",
        lambda w: (
            "staff:patient_update",
            [w["patient"].pk],
            {"first_name": "Ann", "last_name": "Other", "email": ""},
            "change",
        ),
    ),
    "staff:assign_patient": (
        "therapist",
        lambda w: (
            "staff:assign_patient",
            [w["patient"].pk],
            _schedule(routine=w["template"].pk),
            "create",
        ),
    ),
    "staff:assign_routine": (
        "therapist",
        lambda w: (
            "staff:assign_routine",
            [w["template"].pk],
            _schedule(patient=w["patient"].pk),
            "create",
        ),
    ),
    "staff:assignment_schedule": (
        "therapist",
        lambda w: ("staff:assignment_schedule", [w["assignment"].pk], _schedule(), "change"),
    ),
    "staff:assignment_pause": (
        "therapist",
        lambda w: ("staff:assignment_pause", [w["assignment"].pk], {}, "change"),
    ),
    "staff:assignment_resume": (
        "therapist",
        lambda w: ("staff:assignment_resume", [w["assignment"].pk], {}, "change"),
    ),
    "staff:assignment_end": (
        "therapist",
        lambda w: ("staff:assignment_end", [w["assignment"].pk], {}, "change"),
    ),
    "dashboard:review": (
        "therapist",
        lambda w: ("dashboard:review", [w["patient"].pk], {}, "change"),
    ),
    "routines:routine_update": (
        "therapist",
        lambda w: (
            "routines:routine_update",
            [w["assignment"].routine_id],
            {"name": "Knees", "goal": ""},
            "change",
        ),
    ),
    "routines:routine_save": (
        "therapist",
        lambda w: (
            "routines:routine_save",
            [w["assignment"].routine_id],
            {"name": "Knees", "goal": "", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"},
            "change",
        ),
    ),
    "routines:step_add": (
        "therapist",
        lambda w: (
            "routines:step_add",
            [w["assignment"].routine_id],
            {"exercise": _first_step(w).exercise_id},
            "change",
        ),
    ),
    "routines:step_update": (
        "therapist",
        lambda w: (
            "routines:step_update",
            [w["assignment"].routine_id, _first_step(w).pk],
            {
                "hold_seconds": 10,
                "repetitions": 5,
                "sets": 1,
                "sides": "both",
                "rest_between_repetitions_seconds": 0,
                "rest_between_sets_seconds": 0,
            },
            "change",
        ),
    ),
    "routines:step_progression": (
        "therapist",
        lambda w: (
            "routines:step_progression",
            [w["assignment"].routine_id, _first_step(w).pk],
            {
                "field": "hold_seconds",
                "mode": "amount",
                "amount": 5,
                "cadence": "weeks",
                "every": 1,
                "ceiling": 40,
            },
            "change",
        ),
    ),
    "routines:step_move": (
        "therapist",
        lambda w: (
            "routines:step_move",
            [w["assignment"].routine_id, _first_step(w).pk],
            {"direction": "down"},
            "change",
        ),
    ),
    "routines:step_remove": (
        "therapist",
        lambda w: (
            "routines:step_remove",
            [w["assignment"].routine_id, _first_step(w).pk],
            {},
            "change",
        ),
    ),
    "routines:duplicate": (
        "therapist",
        lambda w: ("routines:duplicate", [w["assignment"].routine_id], {}, "view"),
    ),
    "reminders:calendar_reset": (
        "patient",
        lambda w: ("reminders:calendar_reset", [], {}, "change"),
    ),
    "reminders:push_subscribe": (
        "patient",
        lambda w: ("reminders:push_subscribe", [], PUSH_SUBSCRIPTION, "change"),
    ),
    "reminders:staff_nudge": (
        "therapist",
        lambda w: ("reminders:staff_nudge", [_reachable(w).pk], {}, "change"),
    ),
    "reminders:staff_calendar_reset": (
        "therapist",
        lambda w: ("reminders:staff_calendar_reset", [w["patient"].pk], {}, "change"),
    ),
    "api:reminder-nudge": (
        "therapist",
        lambda w: ("api:reminder-nudge", [_reachable(w).pk], {}, "change"),
    ),
    "api:reminder-reset-calendar": (
        "patient",
        lambda w: ("api:reminder-reset-calendar", [w["patient"].pk], {}, "change"),
    ),
    "api:push-subscription-list": (
        "patient",
        lambda w: ("api:push-subscription-list", [], PUSH_SUBSCRIPTION, "change"),
    ),
    "routines:template": (
        "therapist",
        lambda w: ("routines:template", [w["assignment"].routine_id], {}, "view"),
    ),
    "outcomes:postpone": ("patient", lambda w: ("outcomes:postpone", [], {}, "change")),
    "api:due-postpone": ("patient", lambda w: ("api:due-postpone", [], {}, "change")),
    "outcomes:schedule_remove": (
        "therapist",
        lambda w: ("outcomes:schedule_remove", [w["outcome_schedule"].pk], {}, "change"),
    ),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_patient_data_change_writes_one_audit_row(name, world, roles):
    role, build = WRITES[name]
    client = Client()
    client.force_login(roles[role])
    url_name, args, data, action = build(world)
    url = reverse(url_name, args=args)
    if url_name.startswith("api:"):
        response = client.post(url, data, content_type="application/json")
    else:
        response = client.post(url, data)
    assert response.status_code in (200, 201, 202, 302), (response.status_code, response.content)
    (event,) = AuditEvent.objects.filter(path_name=url_name)
    assert (event.patient_id, event.user_id, event.action, event.method) == (
        world["patient"].pk,
        roles[role].pk,
        action,
        "POST",
    )
    assert event.status_code == response.status_code
    for text in world["clinical"]:
        assert text not in _row_text(event)


# Pages that take POST besides the writes above: their forms (a refused form answers 400)
# and the sign-in pages. Every other page is GET-only and answers 405 to other methods.
TAKES_POST = set(WRITES) | {
    "login",
    "logout",
    "keep_alive",
    "account:invite_accept",
    "staff:patient_create",
    "staff:patient_update",
    "staff:assign_patient",
    "staff:assign_routine",
    "staff:assignment_schedule",
    "routines:exercise_create",
    "routines:exercise_update",
    "routines:routine_create",
    "team:staff_create",
    "team:staff_deactivate",
    "team:staff_reactivate",
    "team:staff_resend",
    "team:welcome",
    "team:two_factor_setting",
    "team:clinic_contact",
    "two_factor:verify",
    "two_factor:enrol",
    "password_reset",
    "password_reset_confirm",
    "reminders:settings",
    "reminders:unsubscribe",
    "outcomes:answer",
    "outcomes:plan_questionnaires",
    "outcomes:questionnaire_import",
    "language_switch",
}
PAGES = [
    route
    for route in all_routes()
    if route.view_name and not route.view_name.startswith(("admin:", "api:", "api-"))
]
GET_ONLY_PAGES = [route for route in PAGES if route.view_name not in TAKES_POST]


def test_get_only_pages_include_the_patients_and_staffs_reading_pages():
    names = {route.view_name for route in GET_ONLY_PAGES}
    assert {
        "home",
        "patients:today",
        "patients:plan",
        "patients:history",
        "patients:session",
        "patients:session_review",
        "staff:patient_list",
        "staff:patient_detail",
        "dashboard:home",
        "dashboard:progress",
        "routines:builder",
        "team:staff_list",
        "audit_trail",
        "my_data_export",
    } <= names
    assert {route.view_name for route in PAGES} - names == TAKES_POST & {
        route.view_name for route in PAGES
    }


@pytest.mark.parametrize("route", GET_ONLY_PAGES, ids=lambda route: route.label)
def test_get_only_page_answers_405_to_other_methods_and_records_nothing(route, world, roles):
    """POST to /today/ used to answer 200 and be recorded as a "change" of the patient."""
    prefer = {**world["prefer"], **world["prefer_for"].get(route.view_name, {})}
    opened = []
    for role, user in roles.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in filled_urls(route, prefer):
            got = client.get(url).status_code
            before = set(AuditEvent.objects.values_list("pk", flat=True))
            for method in ("post", "put", "patch", "delete"):
                status = getattr(client, method)(url).status_code
                assert status < 500, (role, url, method, status)
                if got < 400 and user is not None:
                    opened.append((role, url))
                    assert status == 405, (role, url, method, status)
            assert not AuditEvent.objects.exclude(pk__in=before).exists(), (role, url)
    assert opened, f"no role could open {route.label}"


def test_new_patient_is_recorded_as_created_with_its_id(client, therapist):
    client.force_login(therapist.user)
    response = client.post(
        reverse("staff:patient_create"), {"first_name": "Ann", "last_name": "New", "email": ""}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(path_name="staff:patient_create")
    patient = therapist.clinic.patients.get(last_name="New")
    assert (event.patient_id, event.action, event.clinic_id) == (
        patient.pk,
        "create",
        therapist.clinic_id,
    )


def test_accepting_an_invitation_is_recorded_for_the_new_sign_in(client, world, therapist):
    from patients.roster.services import invitation_create

    patient = factories.make_patient(therapist.clinic, account=False)
    _, token = invitation_create(patient=patient, created_by=therapist.user)
    response = client.post(reverse("account:invite_accept", args=[token]), {"mode": "device"})
    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(path_name="account:invite_accept", method="POST")
    patient.refresh_from_db()
    assert (event.patient_id, event.user_id, event.action) == (
        patient.pk,
        patient.user_id,
        "change",
    )


def test_routine_pages_record_a_patients_copy_but_not_a_template(client, world, therapist):
    client.force_login(therapist.user)
    assert client.get(reverse("routines:builder", args=[world["template"].pk])).status_code == 200
    assert not AuditEvent.objects.filter(path_name="routines:builder").exists()
    routine_id = world["assignment"].routine_id
    assert client.get(reverse("routines:builder", args=[routine_id])).status_code == 200
    event = AuditEvent.objects.get(path_name="routines:builder")
    assert (event.patient_id, event.action) == (world["patient"].pk, "view")


def test_lists_of_patients_record_the_clinic_and_no_single_patient(client, world, therapist):
    client.force_login(therapist.user)
    for name in ("staff:patient_list", "dashboard:home", "dashboard:export"):
        assert client.get(reverse(name)).status_code == 200
        event = AuditEvent.objects.get(path_name=name)
        assert (event.patient_id, event.clinic_id) == (None, therapist.clinic_id)
        assert event.action == ("export" if name.endswith("export") else "list")


def test_audit_row_names_the_patient_the_view_resolved(client, world):
    patient = world["patient"]
    client.force_login(patient.user)
    client.get(reverse("patients:today"))
    event = AuditEvent.objects.get(path_name="patients:today")
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
    response = client.get(reverse("patients:today"), headers={"X-Request-ID": "edge-4f9a-77b1"})
    assert response["X-Request-ID"] == "edge-4f9a-77b1"
    assert AuditEvent.objects.get(path_name="patients:today").request_id == "edge-4f9a-77b1"
    junk = client.get(reverse("patients:today"), headers={"X-Request-ID": "<script>x</script>"})
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
