"""Where the database is, as the runtime tells each service, reached with
psycopg2 (Debian's python3-psycopg2), the driver a Django service would use.

Slipway injects a dependency's stable address as DB_SERVICE_HOST and
DB_SERVICE_PORT; on a container network the defaults (db:5432) apply.
PGUSER, PGPASSWORD and PGDATABASE come from the compose file.
"""

import datetime
import os

import psycopg2
import psycopg2.extras

DatabaseError = psycopg2.DatabaseError
Unreachable = psycopg2.OperationalError


def connect(timeout=5):
    return psycopg2.connect(
        host=os.environ.get("DB_SERVICE_HOST", "db"),
        port=os.environ.get("DB_SERVICE_PORT", "5432"),
        user=os.environ.get("PGUSER", "postgres"),
        password=os.environ.get("PGPASSWORD"),
        dbname=os.environ.get("PGDATABASE", "ticketing"),
        connect_timeout=timeout,
    )


def query(sql, params=()):
    """Runs one statement on a fresh connection (one per request keeps
    threads apart), commits, and returns its rows as JSON-ready dicts."""
    connection = connect()
    try:
        with connection, connection.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
        return [{key: _plain(value) for key, value in row.items()} for row in rows]
    finally:
        connection.close()


def _plain(value):
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def health(service):
    """The seed platform's /health/ body and status: 200 when SELECT 1 works, else 503."""
    body = {
        "service": service,
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "pid": os.getpid(),
    }
    try:
        connection = connect(timeout=2)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            connection.close()
        body.update(status="healthy", database="ok")
        return 200, body
    except DatabaseError as error:
        body.update(status="unhealthy", database="unreachable", error=str(error).strip())
        return 503, body
