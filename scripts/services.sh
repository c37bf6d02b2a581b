#!/usr/bin/env bash
# Install (Debian packages) and start the services the tests need: PostgreSQL and Chromium.
# Writes .pytest_services.env with RECORRIDO_TEST_DATABASE_URL for the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian packages..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

PGVER=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
PGPORT=${RECORRIDO_PG_PORT:-5432}
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$PGVER main$"; then
  pg_createcluster "$PGVER" main -p "$PGPORT" >/dev/null
fi
PGPORT=$(pg_lsclusters -h | awk -v v="$PGVER" '$1==v && $2=="main" {print $3}')
pg_ctlcluster "$PGVER" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PGPORT" >/dev/null
su postgres -c "psql -q -p $PGPORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='recorrido'\"" | grep -q 1 \
  || su postgres -c "psql -q -p $PGPORT -c \"CREATE ROLE recorrido LOGIN PASSWORD 'recorrido' CREATEDB\""
su postgres -c "psql -q -p $PGPORT -tAc \"SELECT 1 FROM pg_database WHERE datname='recorrido_test'\"" | grep -q 1 \
  || su postgres -c "createdb -p $PGPORT -O recorrido recorrido_test"
echo "export RECORRIDO_TEST_DATABASE_URL=postgresql+psycopg://recorrido:recorrido@127.0.0.1:$PGPORT/recorrido_test" \
  > .pytest_services.env
