# The rule of clinic.accounts, in the database too, for writes that skip model validation:
# a patient's sign-in is never a staff member's, never is_staff or a superuser, and a
# patient's sign-in never becomes staff. (Patient.user is one-to-one: never shared.)
# Each trigger fires only when the link or the flags change, so a row saved before the rule
# held can still be saved; clinic.accounts' checks refuse to act on it.

from django.db import migrations

MESSAGE = "the sign-in of a patient must be a patient-only account (clinic.accounts)"

POSTGRES = f"""
CREATE FUNCTION patients_patient_account_is_patient_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
        RETURN NEW;
    END IF;
    IF NEW.user_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM clinic_staffmember WHERE user_id = NEW.user_id)
        OR EXISTS (
            SELECT 1 FROM clinic_user WHERE id = NEW.user_id AND (is_staff OR is_superuser)
        )
    ) THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER patients_patient_account_is_patient_only
    BEFORE INSERT OR UPDATE OF user_id ON patients_patient
    FOR EACH ROW EXECUTE FUNCTION patients_patient_account_is_patient_only();

CREATE FUNCTION clinic_staffmember_not_a_patient() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM patients_patient WHERE user_id = NEW.user_id) THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER clinic_staffmember_not_a_patient
    BEFORE INSERT OR UPDATE OF user_id ON clinic_staffmember
    FOR EACH ROW EXECUTE FUNCTION clinic_staffmember_not_a_patient();

CREATE FUNCTION clinic_user_patient_never_staff() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.is_staff OR NEW.is_superuser)
        AND EXISTS (SELECT 1 FROM patients_patient WHERE user_id = NEW.id) THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER clinic_user_patient_never_staff
    BEFORE UPDATE OF is_staff, is_superuser ON clinic_user
    FOR EACH ROW
    WHEN ((NEW.is_staff AND NOT OLD.is_staff) OR (NEW.is_superuser AND NOT OLD.is_superuser))
    EXECUTE FUNCTION clinic_user_patient_never_staff();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS patients_patient_account_is_patient_only ON patients_patient;
DROP FUNCTION IF EXISTS patients_patient_account_is_patient_only();
DROP TRIGGER IF EXISTS clinic_staffmember_not_a_patient ON clinic_staffmember;
DROP FUNCTION IF EXISTS clinic_staffmember_not_a_patient();
DROP TRIGGER IF EXISTS clinic_user_patient_never_staff ON clinic_user;
DROP FUNCTION IF EXISTS clinic_user_patient_never_staff();
"""

_PATIENT_ACCOUNT_IS_STAFF = """
    NEW.user_id IS NOT NULL AND (
        EXISTS (SELECT 1 FROM clinic_staffmember WHERE user_id = NEW.user_id)
        OR EXISTS (
            SELECT 1 FROM clinic_user WHERE id = NEW.user_id AND (is_staff OR is_superuser)
        )
    )
"""
_STAFF_IS_PATIENT = "EXISTS (SELECT 1 FROM patients_patient WHERE user_id = NEW.user_id)"
_ABORT = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
SQLITE = [
    f"CREATE TRIGGER patients_patient_account_insert BEFORE INSERT ON patients_patient "
    f"WHEN {_PATIENT_ACCOUNT_IS_STAFF} {_ABORT};",
    f"CREATE TRIGGER patients_patient_account_update BEFORE UPDATE OF user_id "
    f"ON patients_patient WHEN NEW.user_id IS NOT OLD.user_id AND {_PATIENT_ACCOUNT_IS_STAFF} "
    f"{_ABORT};",
    f"CREATE TRIGGER clinic_staffmember_not_a_patient_insert BEFORE INSERT "
    f"ON clinic_staffmember WHEN {_STAFF_IS_PATIENT} {_ABORT};",
    f"CREATE TRIGGER clinic_staffmember_not_a_patient_update BEFORE UPDATE OF user_id "
    f"ON clinic_staffmember WHEN NEW.user_id IS NOT OLD.user_id AND {_STAFF_IS_PATIENT} "
    f"{_ABORT};",
    "CREATE TRIGGER clinic_user_patient_never_staff BEFORE UPDATE OF is_staff, is_superuser "
    "ON clinic_user WHEN ((NEW.is_staff AND NOT OLD.is_staff) "
    "OR (NEW.is_superuser AND NOT OLD.is_superuser)) "
    "AND EXISTS (SELECT 1 FROM patients_patient WHERE user_id = NEW.id) "
    f"{_ABORT};",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS patients_patient_account_insert;",
    "DROP TRIGGER IF EXISTS patients_patient_account_update;",
    "DROP TRIGGER IF EXISTS clinic_staffmember_not_a_patient_insert;",
    "DROP TRIGGER IF EXISTS clinic_staffmember_not_a_patient_update;",
    "DROP TRIGGER IF EXISTS clinic_user_patient_never_staff;",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0003_audit_trail_and_session_version"),
        ("patients", "0003_attention_review"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
