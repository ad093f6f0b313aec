#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for benchmarks (fsync stays ON: figures from it may be reported).
#
#   bench/pg.sh start   # initdb into a fresh mktemp dir, start on 127.0.0.1:5434, print DATABASE_URL
#   bench/pg.sh url     # print the DATABASE_URL of the running server
#   bench/pg.sh stop    # stop it and remove its data folder
#
# The server runs as the postgres user (initdb refuses root). Its data folder is remembered in
# /tmp/lianfang-bench-pg.dir (PG_STATE) so that `stop` finds it. Port: PG_PORT (default 5434).
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PG_PORT:-5434}
STATE=${PG_STATE:-/tmp/lianfang-bench-pg.dir}
URL="postgres://lianfang:lianfang@127.0.0.1:${PORT}/lianfang"

as_pg() { runuser -u postgres -- "$@"; }

start() {
  if [[ -f $STATE ]] && [[ -d $(cat "$STATE") ]]; then
    echo "already running in $(cat "$STATE") (bench/pg.sh stop first)" >&2
    exit 1
  fi
  if ! id postgres >/dev/null 2>&1; then
    echo "no postgres user: apt-get install -y postgresql-15" >&2
    exit 1
  fi
  local dir
  dir=$(mktemp -d /tmp/lianfang-pg.XXXXXX)
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  echo "$dir" >"$STATE"
  as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  # Sized for the 2-core / 24 GiB benchmark machine. fsync and synchronous_commit stay on.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$dir'
shared_buffers = 2GB
effective_cache_size = 8GB
work_mem = 32MB
maintenance_work_mem = 1GB
max_wal_size = 8GB
checkpoint_timeout = 30min
max_parallel_maintenance_workers = 2
max_parallel_workers_per_gather = 2
fsync = on
synchronous_commit = on
EOF
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
  as_pg "$PG_BIN/psql" -h "$dir" -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE lianfang LOGIN PASSWORD 'lianfang' CREATEDB" \
    -c "CREATE DATABASE lianfang OWNER lianfang"
  echo "DATABASE_URL=$URL"
}

stop() {
  if [[ ! -f $STATE ]]; then
    echo "not running" >&2
    return 0
  fi
  local dir
  dir=$(cat "$STATE")
  if [[ -d $dir/data ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir" "$STATE"
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "DATABASE_URL=$URL" ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
