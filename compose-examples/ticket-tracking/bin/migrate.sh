#!/bin/sh
# The release step: creates the ticketing database and its tables. Safe to run
# any number of times; exits non-zero on the first SQL error.
set -eu

. "$(dirname "$0")/pg-tool.sh"

host="${DB_SERVICE_HOST:-db}"
port="${DB_SERVICE_PORT:-5432}"
database="${PGDATABASE:-ticketing}"
psql="$(pg_tool psql)"
migrations="$(dirname "$0")/../migrations"

# NOTICEs such as "relation already exists, skipping" are the expected case.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

run_psql() {
    "$psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"
}

echo "creating database $database on $host:$port if missing"
echo "SELECT 'CREATE DATABASE $database' WHERE NOT EXISTS
      (SELECT FROM pg_database WHERE datname = '$database')\\gexec" | run_psql -d postgres

for migration in "$migrations"/*.sql; do
    echo "applying $(basename "$migration")"
    run_psql -d "$database" -f "$migration"
done
echo "migrations complete"
