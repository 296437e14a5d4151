#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster on loopback, and
# MSGSTORE_TEST_DATABASE_URL pointing at it. Needs Debian's postgresql package
# (CI installs it). The cluster lives in a temporary folder and is removed after.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "with-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
port=${MSGSTORE_PG_PORT:-54329}
dir=$(mktemp -d /tmp/msgstore-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=400 -c fsync=on -c shared_buffers=256MB" start >/dev/null
export MSGSTORE_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: cluster on 127.0.0.1:$port"
"$@"
