"""A database blip is not a burst of 500s: the pool checks a connection before handing it out.

After PostgreSQL restarts, or its backends are terminated, every pooled connection is dead;
without a check on checkout the next requests would each get one and fail.
"""

import pytest
from django.db import connection

from tests import factories
from tests.security.test_two_servers import APP_SERVER_CONNECTION_NAME, AppServer, Browser

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the connection pool is PostgreSQL's; set DATABASE_URL to a PostgreSQL "
        "database to run this test",
    ),
]


def _terminate_app_server_backends() -> int:
    """Ends every connection of the app server, as a restart would. Only the server's: the
    test process's own pool is not what is tested, and psycopg_pool can wedge for the rest
    of the run when its idle connections die under it (psycopg/psycopg#1123), which made a
    later test time out waiting for a connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APP_SERVER_CONNECTION_NAME],
        )
        return cursor.fetchone()[0]


def test_requests_after_the_database_backends_are_terminated_do_not_fail(signed_up_patient):
    server = AppServer(DATABASE_POOL="1", DATABASE_POOL_MIN="2", DATABASE_POOL_MAX="4")
    try:
        phone = Browser()
        assert phone.sign_in(server, signed_up_patient.user.username, factories.PASSWORD) == 302
        for _ in range(4):  # the pool now holds open connections
            assert phone.request(server, "GET", "/today/")[0] == 200

        assert _terminate_app_server_backends() >= 1

        statuses = [phone.request(server, "GET", "/today/")[0] for _ in range(20)]
        assert statuses == [200] * 20
    finally:
        server.stop()
