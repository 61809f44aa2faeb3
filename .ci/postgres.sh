#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests that need one
# (tests/test_refresh_race.py).
#
#   eval "$(bash .ci/postgres.sh start)"    # prints the exports below
#   bash .ci/postgres.sh stop "$SIMPLEJWT_PG_DIR"
#
# start: installs the server from Debian's packages if initdb is missing
# (root only), creates a cluster in a new temporary directory, and starts it
# on a free port of 127.0.0.1 with trust authentication (nothing listens on
# another address) and durability off (it is thrown away). initdb refuses to
# run as root, so as root the cluster belongs to the `postgres` user. Prints
# PGHOST, PGPORT, PGUSER and SIMPLEJWT_PG_DIR as export lines; everything
# else goes to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$found" && -x "$found/initdb" ]]; then
        echo "$found"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local bin
    bin=$(find_bin)
    if [[ -z "$bin" ]]; then
        if [[ $(id -u) -ne 0 ]]; then
            log "initdb not found; install PostgreSQL (Debian: apt-get install postgresql)"
            exit 1
        fi
        log "installing PostgreSQL from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        bin=$(find_bin)
        [[ -n "$bin" ]] || { log "initdb still missing after the install"; exit 1; }
    fi
    if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi

    local dir port
    dir=$(mktemp -d /tmp/simplejwt-pg.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
        >&2 || { cat "$dir/server.log" >&2; exit 1; }
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
    echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres SIMPLEJWT_PG_DIR=$dir"
}

stop() {
    local dir=${1:-${SIMPLEJWT_PG_DIR:-}} bin
    [[ -n "$dir" && -d "$dir/data" ]] || { log "no cluster to stop"; return 0; }
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
