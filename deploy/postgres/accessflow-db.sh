#!/bin/sh
# One-shot, idempotent: the ledger's database and user beside Temporal's, on the stack's PostgreSQL.
# Runs on every `docker compose up` (a volume created before the ledger existed gets them too).
set -eu
export PGPASSWORD="$POSTGRES_PASSWORD"
psql="psql -v ON_ERROR_STOP=1 -h postgresql -U $POSTGRES_USER -d postgres -tA"
until pg_isready -h postgresql -U "$POSTGRES_USER" >/dev/null 2>&1; do sleep 1; done
if [ "$($psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$ACCESSFLOW_DB_USER'")" != "1" ]; then
  $psql -c "CREATE ROLE \"$ACCESSFLOW_DB_USER\" LOGIN PASSWORD '$ACCESSFLOW_DB_PASSWORD'"
  echo "created role $ACCESSFLOW_DB_USER"
fi
if [ "$($psql -c "SELECT 1 FROM pg_database WHERE datname = 'accessflow'")" != "1" ]; then
  $psql -c "CREATE DATABASE accessflow OWNER \"$ACCESSFLOW_DB_USER\""
  echo "created database accessflow"
fi
echo "accessflow database ready (the service migrates its schema at start-up)"
