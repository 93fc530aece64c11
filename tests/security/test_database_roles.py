"""The app's database role cannot get around the audit trail's triggers.

The tables belong to the owner (here the test connection's role); `grant_app_role` gives an
app role the ordinary privileges and only INSERT and SELECT on the trail. Connected as that
role, every way around the UPDATE/DELETE trigger is refused, while the app works normally.
"""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from clinic.models import AuditEvent
from tests import factories
from tests.security.test_two_servers import AppServer, Browser, start_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles and grants are PostgreSQL's; set DATABASE_URL to a PostgreSQL "
        "database to run this test",
    ),
]


def _connect_as(role: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=role,
        autocommit=True,
    )


@pytest.fixture
def app_role():
    """A fresh login role (roles are cluster-wide), granted by the command, dropped after."""
    role = f"limber_app_test_{uuid.uuid4().hex[:12]}"
    call_command("grant_app_role", role=role, create=True)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role]
        )
        cursor.execute(f'DROP OWNED BY "{role}"; DROP ROLE "{role}"')


@pytest.fixture
def trail(clinic):
    return AuditEvent.objects.create(clinic=clinic, action="view", path_name="test")


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE clinic_auditevent",
        "ALTER TABLE clinic_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE clinic_auditevent DISABLE TRIGGER clinic_auditevent_append_only",
        "SET session_replication_role = replica",
        "DELETE FROM clinic_auditevent",
        "UPDATE clinic_auditevent SET action = 'list'",
        "DROP TABLE clinic_auditevent",
    ],
)
def test_app_role_cannot_get_around_the_audit_trail(app_role, trail, statement):
    with _connect_as(app_role) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute(statement)
    assert AuditEvent.objects.filter(pk=trail.pk, action="view").exists()


def test_app_role_can_add_to_and_read_the_trail(app_role, trail, clinic):
    with _connect_as(app_role) as app:
        app.execute(
            "INSERT INTO clinic_auditevent (at, action, path_name, method, request_id, clinic_id)"
            " VALUES (now(), 'list', 'added', 'GET', '', %s)",
            [clinic.pk],
        )
        rows = app.execute("SELECT path_name FROM clinic_auditevent ORDER BY id").fetchall()
    assert rows == [("test",), ("added",)]


def test_truncating_the_trail_is_refused_to_its_owner_too(trail):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE clinic_auditevent")
    assert AuditEvent.objects.filter(pk=trail.pk).exists()


def test_tables_created_by_later_migrations_are_granted_to_the_app_role(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE limber_later_table (id bigserial PRIMARY KEY, note text)")
    try:
        with _connect_as(app_role) as app:
            app.execute("INSERT INTO limber_later_table (note) VALUES ('x')")
            app.execute("UPDATE limber_later_table SET note = 'y'")
            assert app.execute("SELECT note FROM limber_later_table").fetchall() == [("y",)]
            app.execute("DELETE FROM limber_later_table")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE limber_later_table")


def test_app_role_cannot_rewrite_the_migration_history(app_role):
    with _connect_as(app_role) as app:
        assert app.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("DELETE FROM django_migrations")


def test_the_app_runs_normally_as_the_app_role(app_role, signed_up_patient, assignment):
    db = connection.settings_dict
    server = AppServer(
        DATABASE_URL=f"postgres://{app_role}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
    try:
        phone = Browser()
        # A failed sign-in (an axes row), then a real one (axes deletes its rows).
        assert phone.sign_in(server, signed_up_patient.user.username, "wrong-password") == 200
        assert phone.sign_in(server, signed_up_patient.user.username, factories.PASSWORD) == 302
        assert phone.request(server, "GET", "/today/")[0] == 200
        session_id = start_session(phone, server, assignment)
        assert phone.request(server, "GET", f"/sessions/{session_id}/")[0] == 200
    finally:
        server.stop()
    assert AuditEvent.objects.filter(patient=signed_up_patient, path_name="patients:start").exists()


def test_grant_app_role_refuses_the_owner_and_superusers(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owns the tables"):
        call_command("grant_app_role", role=owner)
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", role="limber_no_such_role")


def test_grant_app_role_prints_its_sql(db, capsys):
    call_command("grant_app_role", role="limber_app", print_sql=True)
    out = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON "public"."clinic_auditevent" TO "limber_app";' in out
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE" in out
