"""Where the database is, as the runtime tells each service.

Slipway injects a dependency's stable address as DB_SERVICE_HOST and
DB_SERVICE_PORT; on a container network the defaults (db:5432) apply.
"""

import datetime
import os

import pgwire


def connect(timeout=5.0):
    return pgwire.connect(
        os.environ.get("DB_SERVICE_HOST", "db"),
        os.environ.get("DB_SERVICE_PORT", "5432"),
        user=os.environ.get("PGUSER", "postgres"),
        database=os.environ.get("PGDATABASE", "ticketing"),
        timeout=timeout,
    )


def query(sql):
    """Runs SQL on a fresh connection (one per request keeps threads apart)."""
    with connect() as connection:
        return connection.query(sql)


def health(service):
    """The seed platform's /health/ body and status: 200 when SELECT 1 works, else 503."""
    body = {
        "service": service,
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "pid": os.getpid(),
    }
    try:
        with connect(timeout=2.0) as connection:
            connection.query("SELECT 1")
        body.update(status="healthy", database="ok")
        return 200, body
    except (OSError, pgwire.DatabaseError, pgwire.ProtocolError) as error:
        body.update(status="unhealthy", database="unreachable", error=str(error))
        return 503, body
