#!/usr/bin/env bash
# `make test-scale`: the scale-out integration test on existing engines.
# Installs PostgreSQL, Redis and nginx from Debian's packages when they are missing, starts them (and a
# Chroma server from .venv) on loopback with their data under var/scale, runs tests/scale against them,
# and stops them again, also when the tests fail. The tests start the two Rasa instances and the action
# server themselves (they kill one instance on purpose).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SCALE_DIR=$ROOT/var/scale
PG_PORT=5532
REDIS_PORT=5579
PROXY_PORT=5580
PROXY_MESSAGE_RATE=10r/s  # nginx limit_req per client address; test_scale_out.py floods past it
PROXY_MESSAGE_BURST=20
CHROMA_PORT=5590
RASA_PORTS=(5505 5506)
ACTION_PORT=5555
PG_PASSWORD=salesbot-scale-test  # loopback-only throw-away cluster
IS_ROOT=$([ "$(id -u)" = 0 ] && echo yes || echo no)

install_missing() {
    local missing=()
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    [ ${#missing[@]} -eq 0 ] && return
    if [ $IS_ROOT = no ]; then
        echo "test-scale needs ${missing[*]}: run as root, or apt-get install ${missing[*]}" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

as_db_owner() {  # PostgreSQL refuses to run as root
    if [ $IS_ROOT = yes ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {  # wait_for NAME COMMAND...: up to 60 s
    local name=$1; shift
    for _ in $(seq 60); do "$@" >/dev/null 2>&1 && return; sleep 1; done
    echo "$name did not start; see $SCALE_DIR/logs" >&2
    exit 1
}

start_postgres() {
    local data=$SCALE_DIR/postgres run=$SCALE_DIR/postgres-run
    mkdir -p "$data" "$run"
    touch "$SCALE_DIR/logs/postgres.log"
    chmod 700 "$data"
    if [ $IS_ROOT = yes ]; then chown postgres:postgres "$data" "$run" "$SCALE_DIR/logs/postgres.log"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
        local pwfile=$run/password
        echo "$PG_PASSWORD" >"$pwfile"
        if [ $IS_ROOT = yes ]; then chown postgres "$pwfile"; fi
        as_db_owner "$PG_BIN/initdb" -D "$data" -U salesbot --pwfile="$pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 >"$SCALE_DIR/logs/initdb.log"
        rm "$pwfile"
    fi
    as_db_owner "$PG_BIN/pg_ctl" -D "$data" -l "$SCALE_DIR/logs/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run" start >/dev/null
    # a fresh database each run; the cluster itself is kept
    # (conversations, and the app database: Rasa's SQL event broker writes its own `events` table there)
    for db in salesbot salesbot_app; do
        as_db_owner "$PG_BIN/dropdb" -h "$run" -p "$PG_PORT" -U salesbot --if-exists "$db"
        as_db_owner "$PG_BIN/createdb" -h "$run" -p "$PG_PORT" -U salesbot "$db"
    done
}

stop_postgres() {
    [ -f "$SCALE_DIR/postgres/postmaster.pid" ] || return 0
    as_db_owner "$PG_BIN/pg_ctl" -D "$SCALE_DIR/postgres" -m fast -w stop >/dev/null || true
}

start_redis() {
    mkdir -p "$SCALE_DIR/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$SCALE_DIR/redis" --save "" --appendonly no \
        --daemonize yes --pidfile "$SCALE_DIR/redis/redis.pid" --logfile "$SCALE_DIR/logs/redis.log"
    wait_for redis redis-cli -p "$REDIS_PORT" ping
}

stop_redis() {
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

write_nginx_conf() {  # round-robin over the Rasa instances; the same shape as in docs/scaling.md
    local servers="" port
    for port in "${RASA_PORTS[@]}"; do
        servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=30s;"$'\n'
    done
    local user=""
    if [ $IS_ROOT = yes ]; then user="user www-data;"; fi
    cat >"$SCALE_DIR/nginx/nginx.conf" <<EOF
$user
worker_processes 1;
pid $SCALE_DIR/nginx/nginx.pid;
error_log $SCALE_DIR/logs/nginx-error.log;
events { worker_connections 256; }
http {
    access_log $SCALE_DIR/logs/nginx-access.log;
    client_body_temp_path $SCALE_DIR/nginx/tmp;
    proxy_temp_path $SCALE_DIR/nginx/tmp;
    fastcgi_temp_path $SCALE_DIR/nginx/tmp;
    uwsgi_temp_path $SCALE_DIR/nginx/tmp;
    scgi_temp_path $SCALE_DIR/nginx/tmp;
    upstream rasa {
$servers    }
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    # Customer messages per client address, counted here for every Rasa instance together (docs/abuse.md)
    limit_req_zone \$binary_remote_addr zone=messages:10m rate=${PROXY_MESSAGE_RATE};
    server {
        listen 127.0.0.1:$PROXY_PORT;
        proxy_http_version 1.1;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;
        proxy_read_timeout 120s;
        # an instance that refuses the connection is skipped; a request it already received is not resent
        proxy_next_upstream error timeout;
        add_header X-Upstream \$upstream_addr always;
        location / {
            proxy_pass http://rasa;
        }
        location = /webhooks/rest/webhook {
            limit_req zone=messages burst=${PROXY_MESSAGE_BURST} nodelay;
            limit_req_status 429;
            error_page 429 = @too_fast;
            proxy_pass http://rasa;
        }
        location @too_fast {  # the same polite reply the Rasa channel gives
            default_type application/json;
            add_header Retry-After 1 always;
            return 429 '[{"text": "You\'re sending messages faster than I can answer them. Please wait a second and try again."}]';
        }
    }
}
EOF
}

start_nginx() {
    mkdir -p "$SCALE_DIR/nginx/tmp"
    if [ $IS_ROOT = yes ]; then chown www-data "$SCALE_DIR/nginx/tmp"; fi
    write_nginx_conf
    nginx -p "$SCALE_DIR/nginx" -e "$SCALE_DIR/logs/nginx-error.log" -c "$SCALE_DIR/nginx/nginx.conf"
}

stop_nginx() {
    [ -f "$SCALE_DIR/nginx/nginx.pid" ] || return 0
    nginx -p "$SCALE_DIR/nginx" -e "$SCALE_DIR/logs/nginx-error.log" -c "$SCALE_DIR/nginx/nginx.conf" -s quit || true
}

start_chroma() {
    rm -rf "$SCALE_DIR/chroma" "$SCALE_DIR/chroma-server"  # ingested afresh by the tests
    "$ROOT/.venv/bin/chroma" run --path "$SCALE_DIR/chroma-server" --host 127.0.0.1 --port "$CHROMA_PORT" \
        >"$SCALE_DIR/logs/chroma.log" 2>&1 &
    echo $! >"$SCALE_DIR/chroma.pid"
    wait_for chroma curl -sf "http://127.0.0.1:$CHROMA_PORT/api/v2/heartbeat"
}

stop_chroma() {
    [ -f "$SCALE_DIR/chroma.pid" ] || return 0
    kill "$(cat "$SCALE_DIR/chroma.pid")" 2>/dev/null || true
    rm "$SCALE_DIR/chroma.pid"
}

stop_all() {
    stop_nginx
    stop_chroma
    stop_redis
    stop_postgres
}

install_missing
PATH=$PATH:/usr/sbin
PG_BIN=$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -1)
mkdir -p "$SCALE_DIR/logs" "$SCALE_DIR/nginx"
stop_all  # whatever a killed earlier run left behind
trap stop_all EXIT
start_postgres
start_redis
start_chroma
start_nginx

# Configuration only: the same settings a deployment would set.
export SALESBOT_VAR_DIR=$SCALE_DIR
export SALESBOT_TRACKER_URL=postgresql+psycopg2://salesbot:$PG_PASSWORD@127.0.0.1:$PG_PORT/salesbot
export SALESBOT_APP_DB_URL=postgresql+psycopg2://salesbot:$PG_PASSWORD@127.0.0.1:$PG_PORT/salesbot_app
export SALESBOT_LOCK_STORE_URL=redis://127.0.0.1:$REDIS_PORT/1
export SALESBOT_CHROMA_URL=http://127.0.0.1:$CHROMA_PORT
export SALESBOT_LLM_BACKEND=none
export SALESBOT_ACTION_PORT=$ACTION_PORT
export SALESBOT_RASA_PORT=${RASA_PORTS[0]}
export SALESBOT_SCALE_RASA_PORTS=${RASA_PORTS[*]}
export SALESBOT_SCALE_PROXY_URL=http://127.0.0.1:$PROXY_PORT
export SALESBOT_SCALE_PROXY_BURST=$PROXY_MESSAGE_BURST
# Behind the proxy the per-address limit is nginx's (one count for all instances); each Rasa instance keeps
# its per-conversation limit and trusts the proxy's X-Forwarded-For.
export SALESBOT_RATE_LIMIT_IP=off
export SALESBOT_TRUSTED_PROXIES=127.0.0.1
"$ROOT/.venv/bin/python" -m pytest -ra -p no:cacheprovider tests/scale "$@"
