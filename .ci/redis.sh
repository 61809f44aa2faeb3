#!/usr/bin/env bash
# A throwaway Redis server for the revocation tests (tests/test_revocation*.py).
#
#   eval "$(bash .ci/redis.sh start)"    # prints the exports below
#   bash .ci/redis.sh stop "$SIMPLEJWT_REDIS_DIR"
#
# start: installs redis-server from Debian's packages if missing (root only),
# starts it on a free port of 127.0.0.1 without persistence, daemonized, with
# its pid file and log in a new temporary directory. Prints
# SIMPLEJWT_TEST_REDIS_URL and SIMPLEJWT_REDIS_DIR as export lines; everything
# else goes to stderr.
set -euo pipefail

log() { echo "redis.sh: $*" >&2; }

start() {
    if ! command -v redis-server >/dev/null 2>&1; then
        if [[ $(id -u) -ne 0 ]]; then
            log "redis-server not found; install it (Debian: apt-get install redis-server)"
            exit 1
        fi
        log "installing redis-server from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq redis-server >&2
    fi
    local dir port
    dir=$(mktemp -d /tmp/simplejwt-redis.XXXXXX)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
        --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
        --logfile "$dir/redis.log" >&2
    for _ in $(seq 100); do
        if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            log "$(redis-server --version | awk '{print $3}') on 127.0.0.1:$port (files in $dir)"
            echo "export SIMPLEJWT_TEST_REDIS_URL=redis://127.0.0.1:$port/0 SIMPLEJWT_REDIS_DIR=$dir"
            return 0
        fi
        sleep 0.1
    done
    cat "$dir/redis.log" >&2 || true
    log "redis-server did not start"
    exit 1
}

stop() {
    local dir=${1:-${SIMPLEJWT_REDIS_DIR:-}}
    [[ -n "$dir" && -f "$dir/redis.pid" ]] || { log "no server to stop"; return 0; }
    local pid
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
