#!/bin/sh
# One-shot (docker-compose.yml `temporal-schema`): creates the Temporal and visibility databases
# on PostgreSQL and brings both schemas to the server's version, with temporal-sql-tool from our
# build (scripts/gomod/temporal-server/temporal-sql-tool; the schemas are embedded in it). Safe to
# re-run: `create` and `setup-schema` are skipped when already done; `update-schema` is idempotent.
#   MOORING_PG_HOST, MOORING_PG_PORT, MOORING_PG_USER, MOORING_PG_PASSWORD: the database server
set -eu
: "${MOORING_PG_PASSWORD:?set MOORING_PG_PASSWORD}"
# temporal-sql-tool reads the password from SQL_PASSWORD (not on its command line, so not in ps).
export SQL_PASSWORD="$MOORING_PG_PASSWORD"
sql() {
  temporal-sql-tool --plugin postgres12 --ep "${MOORING_PG_HOST:-127.0.0.1}" -p "${MOORING_PG_PORT:-5432}" \
    -u "${MOORING_PG_USER:-temporal}" "$@"
}
for db in temporal temporal_visibility; do
  sql --db "$db" create 2>/dev/null || echo "database $db exists"
done
sql --db temporal setup-schema -v 0.0 2>/dev/null || echo "temporal schema already set up"
sql --db temporal update-schema --schema-name postgresql/v12/temporal
sql --db temporal_visibility setup-schema -v 0.0 2>/dev/null || echo "visibility schema already set up"
sql --db temporal_visibility update-schema --schema-name postgresql/v12/visibility
echo "schemas up to date"
