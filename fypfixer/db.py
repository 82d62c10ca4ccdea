"""Prepared statements for the few statements the busiest paths write out in SQL.

Django binds parameters on the client and never prepares a statement (its ORM does not yet
write SQL that PostgreSQL can prepare, and connection poolers in transaction mode lose
prepared statements), so PostgreSQL parses and plans every query again. For a completion
that planning costs more than the insert itself. The statements run through
prepared_cursor() are written for server-side binding, and PostgreSQL prepares each once per
database connection (PREPARED_SQL, README "Ablation"). Behind PgBouncer older than 1.21 in
transaction mode, turn PREPARED_SQL off.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """Django's cursor for the default database, preparing its statements on PostgreSQL.

    A psycopg cursor binding parameters on the server: psycopg prepares what it runs, since
    settings.py sets the connection's prepare_threshold to 0 with PREPARED_SQL (Django's
    ORM cursors bind on the client, and psycopg never prepares those). Queries still go
    through Django's wrapper: errors are Django's, and query logging and counting
    (django_assert_num_queries) see them. Elsewhere (SQLite, or PREPARED_SQL off) it is
    Django's own cursor.
    """
    if not (settings.PREPARED_SQL and connection.vendor == "postgresql"):
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _server_binding_cursor_class()(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


def _server_binding_cursor_class():
    # Imported here: the PostgreSQL backend needs psycopg, which a SQLite install may lack.
    from django.db.backends.postgresql.base import ServerBindingCursor

    return ServerBindingCursor
