# Sourced by the other scripts: finds a PostgreSQL 15 program wherever this
# machine keeps it. Debian and Ubuntu install the server programs in
# /usr/lib/postgresql/15/bin, off PATH; Homebrew, RHEL and source builds put
# them elsewhere. PG_BIN_DIR overrides the search.

pg_tool() {
    tool="$1"
    for dir in "${PG_BIN_DIR:-}" /usr/lib/postgresql/15/bin /usr/pgsql-15/bin \
        /opt/homebrew/opt/postgresql@15/bin /usr/local/opt/postgresql@15/bin; do
        if [ -n "$dir" ] && [ -x "$dir/$tool" ]; then
            echo "$dir/$tool"
            return 0
        fi
    done
    if command -v "$tool" >/dev/null 2>&1; then
        command -v "$tool"
        return 0
    fi
    echo "error: cannot find the PostgreSQL program '$tool': install PostgreSQL 15" \
        "(Debian: apt-get install postgresql-15) or set PG_BIN_DIR to the directory holding it" >&2
    return 1
}
