"""Bad input never breaks a page: every URL, every role, malformed and oversized input.

Every URL pattern in the resolver (pages merged later included) is requested with its
path parameters filled with real ids and with garbage, as every role, with junk query
strings, junk form fields, wrongly typed JSON, oversized fields and too many fields, the
first and last day of the calendar in every date field and date parameter, and JSON nested
100,000 levels deep. No answer may be a 5xx, and every HTML answer carries the security
headers.
"""

import json

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from rest_framework import serializers

from tests.security.urlwalk import all_routes, filled_urls

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
LONG = "x" * 5000
JUNK_QUERY = {
    "page": "-1",
    "p": "zz",
    "o": "999.-abc",
    "q": LONG,
    "date_from": "2026-13-45",
    "date_to": "not-a-date",
    "patient": "abc",
    "user": "1e309",
    "format": "xml",
    "next": "https://evil.example/",
    "_changelist_filters": "a=%00",
    "id__in": "1,2,x",
    "all": "",
    "e": "1",
}
JUNK_FORM = {
    "username": ["a", "b"],
    "password": "",
    "patient": "abc",
    "routine": "-1",
    "starts_on": "2026-02-30",
    "ends_on": "yesterday",
    "weekdays": "255",
    "sessions_per_day": "ninety",
    "pain": "eleven",
    "note": "\x00" + LONG,
    "client_id": "not-a-uuid",
    "action": "no_such_action",
    "_selected_action": ["abc", "-5"],
    "index": "x",
    "post": "yes",
    "remember": "maybe",
    "steps-TOTAL_FORMS": "abc",
    "csrfmiddlewaretoken": "junk",
}
JUNK_JSON = {
    "pain": "eleven",
    "patient": [],
    "id": {"nested": [1, 2, {"deep": None}]},
    "note": 5,
    "started_at": "yesterday",
    "client_id": 12,
    "steps": "all",
    "sessions_per_day": 10**30,
}
PROJECT_APPS = ("clinic", "patients", "routines")


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in PROJECT_APPS


def date_inputs() -> tuple[set[str], set[str]]:
    """The names of every date and date-time input the project declares: model fields (the
    admin's forms), forms, API serializers and API filters. Found, not listed, so a date
    field added later is swept too (ROUTES above has imported every view, and so these)."""
    dates, datetimes = set(), set()
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField):
                    datetimes.add(field.name)
                elif isinstance(field, models.DateField):
                    dates.add(field.name)
    for form in filter(_ours, _subclasses(forms.BaseForm)):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                dates.add(name)
            elif isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
                datetimes.add(name)
    for serializer in filter(_ours, _subclasses(serializers.Serializer)):
        for name, field in serializer._declared_fields.items():
            if field.read_only:
                continue
            if isinstance(field, serializers.DateTimeField):
                datetimes.add(name)
            elif isinstance(field, serializers.DateField):
                dates.add(name)
    for filterset in filter(_ours, _subclasses(django_filters.FilterSet)):
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, django_filters.DateTimeFilter):
                datetimes.add(name)
            elif isinstance(declared, django_filters.DateFilter):
                dates.add(name)
    return dates, datetimes


DATE_NAMES, DATETIME_NAMES = date_inputs()
# The first and last day Python's calendar has: a day more or less does not exist.
EDGE_DAYS = ["0001-01-01", "9999-12-31"]
EDGE_TIMES = {"0001-01-01": "00:00:00", "9999-12-31": "23:59:59"}


def edge_queries(day: str) -> list[dict[str, str]]:
    """Every date and date-time input at one edge, as a query string or a form sends it
    (the admin splits a date-time in _0 and _1); then again with a number of weeks in
    place of an end date, so a schedule form reaches its date arithmetic."""
    time = EDGE_TIMES[day]
    fields = dict.fromkeys(DATE_NAMES, day)
    for name in DATETIME_NAMES:
        fields |= {name: f"{day}T{time}", f"{name}_0": day, f"{name}_1": time}
    fields |= {"weekdays": "0", "sessions_per_day": "1"}
    return [fields, {**fields, "ends_on": "", "weeks": "104"}]


def edge_json(day: str) -> str:
    time = EDGE_TIMES[day]
    body = dict.fromkeys(DATE_NAMES, day)
    body |= dict.fromkeys(DATETIME_NAMES, f"{day}T{time}Z")
    return json.dumps(body | {"weeks": 104, "weekdays": 1, "sessions_per_day": 1})


DEEP_JSON = "[" * 100_000 + "]" * 100_000

# A patient and anonymous are turned away early from staff pages; the therapist reaches
# the clinic's pages; the operator (below) reaches everything.
ROLES = ["anonymous", "patient", "therapist"]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_safe(response, what) -> None:
    assert response.status_code < 500, what
    assert response.has_header("X-Request-ID"), what
    if response.get("Content-Type", "").startswith("text/html"):
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, what
        assert "frame-ancestors 'none'" in policy, what
        assert "'unsafe-inline'" not in policy, what
        assert "'unsafe-eval'" not in policy, what
        for header, value in SECURITY_HEADERS.items():
            assert response.get(header) == value, (what, header)


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


TOO_BIG_FORM = "note=" + "y" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
TOO_BIG_JSON = json.dumps({"note": "y" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
TOO_MANY_FIELDS = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
FORM = "application/x-www-form-urlencoded"


def _sweep(route, world, roles) -> None:
    """Every bad input to one route, as each role that reaches different code."""
    body = json.dumps(JUNK_JSON)
    is_admin = route.template.startswith("/admin/")
    real_urls = filled_urls(route, world["prefer"], real_only=True)
    for role in ROLES:
        client = _client(roles[role])
        for url in real_urls:
            what = (role, url)
            assert_safe(client.get(url, JUNK_QUERY), (*what, "GET junk"))
            assert_safe(client.post(url, JUNK_FORM), (*what, "POST junk form"))
            if not is_admin:
                assert_safe(client.post(url, body, "application/json"), (*what, "POST JSON"))
            if role != "anonymous":  # turned away before any form is read
                _sweep_edges(client, url, is_admin, what)
    # The operator reaches every view: garbage ids, broken JSON, other methods, oversize.
    client = _client(roles["superuser"])
    for url in filled_urls(route, world["prefer"]):
        assert_safe(client.get(url, JUNK_QUERY), (url, "GET junk"))
    for url in real_urls:
        assert_safe(client.post(url, JUNK_FORM), (url, "POST junk form"))
        assert_safe(client.post(url, TOO_BIG_FORM, FORM), (url, "huge field"))
        assert_safe(client.post(url, TOO_MANY_FIELDS, FORM), (url, "too many fields"))
        if not is_admin:
            assert_safe(client.post(url, body, "application/json"), (url, "POST JSON"))
            assert_safe(client.post(url, "{not json", "application/json"), (url, "broken JSON"))
            assert_safe(client.post(url, TOO_BIG_JSON, "application/json"), (url, "huge JSON"))
        if route.template.startswith("/api/"):
            for method in (client.put, client.patch, client.delete):
                assert_safe(method(url, body, "application/json"), (url, method.__name__))
            for method in (client.post, client.put, client.patch):
                deep = method(url, DEEP_JSON, "application/json")
                assert_safe(deep, (url, method.__name__, "deep JSON"))
        _sweep_edges(client, url, is_admin, ("superuser", url))


def _sweep_edges(client, url, is_admin, what) -> None:
    """The first and last day of the calendar in every date input, by query, form, JSON."""
    for day in EDGE_DAYS:
        every_date, with_weeks = edge_queries(day)
        assert_safe(client.get(url, every_date), (*what, "GET dates", day))
        assert_safe(client.post(url, every_date), (*what, "POST dates", day))
        assert_safe(client.post(url, with_weeks), (*what, "POST weeks", day))
        if not is_admin:
            json_body = edge_json(day)
            assert_safe(client.post(url, json_body, "application/json"), (*what, "JSON", day))
            if url.startswith("/api/"):
                patched = client.patch(url, json_body, "application/json")
                assert_safe(patched, (*what, "PATCH dates", day))


def _group(route) -> str:
    """Routes are swept in groups (one world each), so the sweep spreads over workers."""
    parts = route.template.strip("/").split("/")
    if parts[0] == "admin" and len(parts) > 2 and not parts[1].startswith("%"):
        return f"admin/{parts[1]}/{parts[2]}" if parts[1] == "patients" else f"admin/{parts[1]}"
    return parts[0].split(".")[0] or "home"


GROUPS: dict[str, list] = {}
for _route in ROUTES:
    GROUPS.setdefault(_group(_route), []).append(_route)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_url_answers_bad_input_without_a_server_error(group, world, roles):
    """Each route is swept inside a savepoint rolled back afterwards, so what one route's
    junk changes (the operator may delete things) never leaks into the next. Failures are
    collected and reported together."""
    failures = []
    for route in GROUPS[group]:
        try:
            with transaction.atomic():
                _sweep(route, world, roles)
                transaction.set_rollback(True)
        except Exception as error:  # a view's exception is a 500: report it with the rest
            failures.append(f"{route.label}: {type(error).__name__}: {error}")
    assert not failures, "\n".join(failures)


def test_oversized_form_is_answered_413_with_a_message(client, world):
    client.force_login(world["patient"].user)
    too_big = "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/login/", {"username": "x", "password": too_big})
    assert response.status_code == 413
    assert b"too large" in response.content


def test_too_many_fields_are_answered_400_with_a_message(client, world):
    fields = {f"field{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/login/", fields)
    assert response.status_code == 400
    assert b"could not be understood" in response.content


def test_request_over_the_total_limit_is_refused_before_any_view(client, settings, world):
    settings.REQUEST_MAX_BYTES = 64 * 1024
    upload = b"\x89PNG" + b"0" * (70 * 1024)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["patient"].user)
    response = client.post("/login/", {"file": SimpleUploadedFile("big.png", upload)})
    assert response.status_code == 413
    assert b"at most" in response.content


def test_sweep_finds_every_date_input():
    """The date inputs are found by walking the code; these are the ones known to take
    a date from users, so a walk that missed a kind of declaration fails here."""
    assert {"starts_on", "ends_on", "date_from", "date_to", "start", "end"} <= DATE_NAMES
    assert {"recorded_at", "started_at", "finished_at"} <= DATETIME_NAMES


def test_deep_json_is_a_400_on_the_api(client, world):
    client.force_login(world["patient"].user)
    response = client.post("/api/v1/sessions/", DEEP_JSON, "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_every_route_was_swept():
    labels = {route.label for route in ROUTES}
    assert {"home", "login", "admin:patients_patient_change", "my_data_export"} <= labels
