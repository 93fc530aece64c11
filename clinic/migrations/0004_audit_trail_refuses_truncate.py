from django.db import migrations

# The UPDATE/DELETE trigger (0003) is a row trigger; TRUNCATE empties the table without
# firing it. This statement trigger refuses TRUNCATE for every role, the owner included:
# emptying the trail must be a deliberate, visible act (the owner disabling this trigger by
# name, see docs/deploy.md). PostgreSQL only: SQLite has no TRUNCATE.
POSTGRES_TRIGGER = """
CREATE FUNCTION clinic_auditevent_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE is refused';
END;
$$;
CREATE TRIGGER clinic_auditevent_no_truncate
    BEFORE TRUNCATE ON clinic_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION clinic_auditevent_no_truncate();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS clinic_auditevent_no_truncate ON clinic_auditevent;
DROP FUNCTION IF EXISTS clinic_auditevent_no_truncate();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGER)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_audit_trail_and_session_version"),
    ]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
    ]
