#!/usr/bin/env bash
# One-shot job run by the `temporal-admin-tools` service of docker-compose.yml (temporalio/admin-tools
# image, which ships temporal-sql-tool, psql and the schema files under /etc/temporal/schema).
#
# Brings Temporal's two PostgreSQL databases to the schema version of this Temporal release:
#   $DBNAME             <- /etc/temporal/schema/postgresql/v12/temporal/versioned
#   $VISIBILITY_DBNAME  <- /etc/temporal/schema/postgresql/v12/visibility/versioned
# The databases and the role are created by deploy/postgres-init/01-databases.sql.
#
# Safe to run on every `docker compose up`: `setup-schema -v 0.0` only creates the version tables
# when they are missing (it leaves a newer recorded version alone), and `update-schema` applies only
# the versions not applied yet. Run it again after upgrading the Temporal images.
#
# Environment: POSTGRES_SEEDS (host), DB_PORT (default 5432), POSTGRES_USER, POSTGRES_PWD,
#              DBNAME (default temporal), VISIBILITY_DBNAME (default temporal_visibility).
set -euo pipefail

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${POSTGRES_PWD:?POSTGRES_PWD is required}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

# Both tools read the password from the environment, which keeps it off the command line.
export SQL_PASSWORD="$POSTGRES_PWD"
export PGPASSWORD="$POSTGRES_PWD"

wait_for_database() {
  local db="$1" attempt
  for attempt in $(seq 1 60); do
    if psql -w -h "$POSTGRES_SEEDS" -p "$DB_PORT" -U "$POSTGRES_USER" -d "$db" -tAc 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    echo "waiting for database $db on $POSTGRES_SEEDS:$DB_PORT as $POSTGRES_USER (attempt $attempt/60)"
    sleep 2
  done
  echo "cannot connect to database $db as $POSTGRES_USER; it and the role are created by" \
    "deploy/postgres-init/01-databases.sql when the postgres volume is first initialised" >&2
  psql -w -h "$POSTGRES_SEEDS" -p "$DB_PORT" -U "$POSTGRES_USER" -d "$db" -tAc 'SELECT 1' >&2 || true
  return 1
}

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup_database() {
  local db="$1" schema_dir="$2"
  if [[ ! -d "$schema_dir" ]]; then
    echo "schema directory $schema_dir not found in this admin-tools image" >&2
    return 1
  fi
  wait_for_database "$db"
  echo "setting up schema of $db from $schema_dir"
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$schema_dir"
}

setup_database "$DBNAME" "$SCHEMA_ROOT/temporal/versioned"
setup_database "$VISIBILITY_DBNAME" "$SCHEMA_ROOT/visibility/versioned"
echo "Temporal schema is up to date in $DBNAME and $VISIBILITY_DBNAME"
