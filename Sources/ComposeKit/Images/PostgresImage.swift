/// `postgres:<major>…`: the machine's PostgreSQL of that major, with the
/// official image's entrypoint conventions (docker-library/postgres).
extension ImageAdapter {
    public static let postgres = ImageAdapter(
        image: "postgres",
        server: ServerProgram(path: "/usr/lib/postgresql/{major}/bin/postgres", package: "postgresql-{major}"),
        ports: [ImagePort(5432)],
        dataPath: "/var/lib/postgresql/data",
        dataPathVariable: "PGDATA",
        initDirectory: "/docker-entrypoint-initdb.d",
        environment: [
            HonouredVariable("POSTGRES_PASSWORD", "the superuser's password; required unless POSTGRES_HOST_AUTH_METHOD=trust"),
            HonouredVariable("POSTGRES_USER", "the superuser created on first start (default postgres)"),
            HonouredVariable("POSTGRES_DB", "the database created on first start (default: POSTGRES_USER)"),
            HonouredVariable("POSTGRES_INITDB_ARGS", "extra initdb arguments, e.g. --data-checksums"),
            HonouredVariable("POSTGRES_HOST_AUTH_METHOD", "authentication of TCP clients (default scram-sha-256; trust needs no password)"),
            HonouredVariable("PGDATA", "the data directory's container path (default /var/lib/postgresql/data)"),
        ],
        requirement: EnvironmentRequirement(
            variable: "POSTGRES_PASSWORD", unlessVariable: "POSTGRES_HOST_AUTH_METHOD", unlessValue: "trust",
            reason: "the postgres image refuses to start without a superuser password; "
                + "set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD: trust to allow every connection without one"),
        clientTools: [
            ClientTool(name: "pg_isready", variables: ["PGHOST": "127.0.0.1", "PGPORT": "$PORT_5432"]),
            ClientTool(name: "psql", variables: ["PGHOST": "127.0.0.1", "PGPORT": "$PORT_5432"]),
        ],
        account: "postgres",
        stopSignal: "SIGINT",
        entrypoint: postgresEntrypoint)
}

/// docker-entrypoint.sh's first-start work, then the server. Local (socket)
/// connections are trusted as in the image; TCP ones, which here come from
/// the whole machine rather than a private network, use
/// POSTGRES_HOST_AUTH_METHOD. During initialisation the server listens on
/// its socket only, so neither clients nor health checks see it half made.
private let postgresEntrypoint = #"""
set -eu
bin="$(dirname "$SLIPWAY_SERVER")"
pgdata="$SLIPWAY_IMAGE_DATA"
port="$PORT_5432"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"
socket_dir="$SLIPWAY_IMAGE_RUN"
# A Unix socket path must fit in 107 bytes.
if [ ${#socket_dir} -gt 80 ]; then socket_dir=""; fi

if [ ! -s "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata"
    chmod 700 "$pgdata"
    init_sockets="$socket_dir"
    if [ -z "$init_sockets" ]; then init_sockets="$(mktemp -d /tmp/slipway-pg.XXXXXX)"; fi
    password_file="$SLIPWAY_IMAGE_RUN/initdb-password"
    password_option=""
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then
        (umask 077 && printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file")
        password_option="--pwfile=$password_file"
    fi
    eval '"$bin/initdb" -D "$pgdata" --username="$user" --auth-local=trust \
        --auth-host="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" $password_option '"${POSTGRES_INITDB_ARGS:-}"
    rm -f "$password_file"
    "$bin/pg_ctl" -D "$pgdata" -w -o "-c listen_addresses='' -p $port -k $init_sockets" start
    # Init scripts written for the image call psql bare: point it at the socket.
    export PGHOST="$init_sockets" PGPORT="$port"
    run_psql() {
        "$bin/psql" -v ON_ERROR_STOP=1 --username "$user" --no-password --no-psqlrc -h "$init_sockets" -p "$port" "$@"
    }
    if [ "$database" != postgres ]; then
        printf 'CREATE DATABASE :"db";\n' | run_psql --dbname postgres --set db="$database"
    fi
    for script in "${SLIPWAY_IMAGE_INIT:-/nonexistent}"/*; do
        case "$script" in
            *.sh)
                echo "running $script"
                if [ -x "$script" ]; then "$script"; else . "$script"; fi ;;
            *.sql) echo "running $script"; run_psql --dbname "$database" -f "$script" ;;
            *.sql.gz) echo "running $script"; gzip -dc "$script" | run_psql --dbname "$database" ;;
            *.sql.xz) echo "running $script"; xz -dc "$script" | run_psql --dbname "$database" ;;
            *"/*") ;;
            *) echo "ignoring $script" ;;
        esac
    done
    "$bin/pg_ctl" -D "$pgdata" -m fast -w stop
    if [ "$init_sockets" != "$socket_dir" ]; then rmdir "$init_sockets"; fi
    echo "PostgreSQL init process complete; ready for start up."
fi

exec "$SLIPWAY_SERVER" -D "$pgdata" -p "$port" -c listen_addresses=127.0.0.1 -k "$socket_dir" "$@"
"""#
