#!/bin/sh
# One-shot (docker-compose.yml `temporal-schema`): creates the Temporal and visibility databases
# on PostgreSQL and brings both schemas to the image's version. Safe to re-run: `create` and
# `setup-schema` are skipped when already done; `update-schema` is idempotent. The password comes
# from SQL_PASSWORD (temporal-sql-tool reads it from the environment).
set -eu
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }
for db in temporal temporal_visibility; do
  sql --db "$db" create 2>/dev/null || echo "database $db exists"
done
sql --db temporal setup-schema -v 0.0 2>/dev/null || echo "temporal schema already set up"
sql --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
sql --db temporal_visibility setup-schema -v 0.0 2>/dev/null || echo "visibility schema already set up"
sql --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "schemas up to date"
