"""Give the app's database role what it needs, and no more: the tables stay the owner's.

The audit trail's triggers only bind roles that do not own the table: an owner may
TRUNCATE it, disable its triggers, or (as a superuser) SET session_replication_role to
skip them. So production runs migrations as the owner and the app as another role, which
this command grants, run as the owner (docs/deploy.md):

- the app role may read and write the ordinary tables and use their sequences;
- it may only INSERT and SELECT the audit trail, and only SELECT the migration history;
- default privileges give it the same on tables and sequences later migrations create.
"""

import os

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from psycopg import sql

APPEND_ONLY_TABLES = ["clinic_auditevent"]
READ_ONLY_TABLES = ["django_migrations"]


def grant_statements(*, role: str, owner: str, database: str, schema: str) -> list[sql.Composed]:
    """The GRANT and REVOKE statements, in order; running them again changes nothing."""
    ids = {
        "role": sql.Identifier(role),
        "owner": sql.Identifier(owner),
        "database": sql.Identifier(database),
        "schema": sql.Identifier(schema),
    }
    statements = [
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        " GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    composed = [sql.SQL(statement).format(**ids) for statement in statements]
    for table in APPEND_ONLY_TABLES:
        composed += [
            sql.SQL("REVOKE ALL ON {table} FROM {role}").format(
                table=sql.Identifier(schema, table), **ids
            ),
            sql.SQL("GRANT SELECT, INSERT ON {table} TO {role}").format(
                table=sql.Identifier(schema, table), **ids
            ),
        ]
    for table in READ_ONLY_TABLES:
        composed += [
            sql.SQL("REVOKE ALL ON {table} FROM {role}").format(
                table=sql.Identifier(schema, table), **ids
            ),
            sql.SQL("GRANT SELECT ON {table} TO {role}").format(
                table=sql.Identifier(schema, table), **ids
            ),
        ]
    return composed


def _app_role_from_environment() -> str | None:
    """DATABASE_URL's user: with MIGRATE_DATABASE_URL set this process runs as the owner,
    and DATABASE_URL still names the role the app servers use."""
    url = os.environ.get("DATABASE_URL")
    return dj_database_url.parse(url).get("USER") or None if url else None


class Command(BaseCommand):
    help = (
        "Grant the app's database role (default: DATABASE_URL's user) what it needs, run as "
        "the tables' owner (MIGRATE_DATABASE_URL). The app role may only INSERT and SELECT "
        "the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", help="the app's role (default: the user in DATABASE_URL)", default=None
        )
        parser.add_argument(
            "--database",
            default="default",
            help="the connection to run as, the tables' owner (MIGRATE_DATABASE_URL's when set)",
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN, no password) if it does not exist; needs CREATEROLE",
        )
        parser.add_argument(
            "--sql",
            action="store_true",
            dest="print_sql",
            help="print the statements instead of running them",
        )

    def handle(self, *args, role, database, create, print_sql, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; SQLite has none.")
        role = role or _app_role_from_environment()
        if not role:
            raise CommandError("Name the app's role with --role (DATABASE_URL has no user).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database_name, schema = cursor.fetchone()
            statements = grant_statements(
                role=role, owner=owner, database=database_name, schema=schema
            )
            if print_sql:
                for statement in statements:
                    self.stdout.write(statement.as_string(cursor.connection) + ";")
                return
            with transaction.atomic(using=database):
                self._check_roles(cursor, role=role, owner=owner, create=create)
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(
            f"{role} may use the tables of {database_name} owned by {owner}; "
            f"it may only add to and read {', '.join(APPEND_ONLY_TABLES)}."
        )

    @staticmethod
    def _check_roles(cursor, *, role: str, owner: str, create: bool) -> None:
        """Refuse a role for which the grants would mean nothing: the owner, one of its
        members, or a superuser (each can switch the trail's triggers off)."""
        if role == owner:
            raise CommandError(
                f"{role} owns the tables: run the app as another role, and this command "
                "as the owner (MIGRATE_DATABASE_URL)."
            )
        cursor.execute(
            "SELECT rolsuper, pg_has_role(rolname, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [owner, role],
        )
        found = cursor.fetchone()
        if found is None:
            if not create:
                raise CommandError(f"There is no role {role}; add --create to create it.")
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
            return
        is_superuser, is_member_of_owner = found
        if is_superuser or is_member_of_owner:
            raise CommandError(
                f"{role} is a superuser or a member of {owner}: it could switch the audit "
                "trail's triggers off. Run the app as a plain role."
            )
