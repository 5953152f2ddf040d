#!/bin/sh
# Runs PostgreSQL 15 as a plain process: initialises the data directory on the
# first run, then becomes the server (exec), so the supervisor's stop signal
# reaches postgres itself.
set -eu

. "$(dirname "$0")/pg-tool.sh"

if [ -z "${SLIPWAY_DATA_DIR:-}" ]; then
    echo "error: SLIPWAY_DATA_DIR is not set: run this through slipway, or set it to a" \
        "directory that keeps the database between runs" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    echo "error: PostgreSQL refuses to run as root: give the service 'user: postgres'" >&2
    exit 1
fi

postgres="$(pg_tool postgres)"
port="${PORT:-5432}"
pgdata="$SLIPWAY_DATA_DIR/pgdata"

if [ ! -f "$pgdata/PG_VERSION" ]; then
    # Initialise beside the final path and rename, so an interrupted first run
    # never leaves a half-made directory that initdb would refuse next time.
    if [ -d "$pgdata" ] && ! rmdir "$pgdata" 2>/dev/null; then
        echo "error: $pgdata is not empty but holds no PG_VERSION: it is not a" \
            "PostgreSQL data directory; move it away to start afresh" >&2
        exit 1
    fi
    initdb="$(pg_tool initdb)"
    staging="$pgdata.initdb"
    rm -rf "$staging"
    "$initdb" -D "$staging" -A trust -U postgres -E UTF8 --locale=C --no-instructions
    mv "$staging" "$pgdata"
fi

# A Unix socket path must fit in 107 bytes; a deep state directory may not.
# Everything here connects over TCP, so the socket is only a convenience.
socket_dir="$SLIPWAY_DATA_DIR/run"
if [ ${#socket_dir} -le 80 ]; then
    mkdir -p "$socket_dir"
else
    socket_dir=""
fi

exec "$postgres" -D "$pgdata" -p "$port" \
    -c listen_addresses=127.0.0.1 -k "$socket_dir"
