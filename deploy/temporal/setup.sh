#!/bin/sh
# One-shot setup jobs for accessflow's docker compose stack. Runs inside the
# temporalio/admin-tools image (POSIX sh; uses temporal-sql-tool, the temporal
# CLI, nc and getent, all of which that image ships).
#
#   setup.sh schema     create/upgrade Temporal's PostgreSQL schemas
#                       (the "temporal" and "temporal_visibility" databases)
#   setup.sh namespace  wait for the Temporal frontend, create the namespace if it
#                       is missing and register accessflow's search attributes
#
# Both modes are safe to re-run: every step is skipped or a no-op when its work
# is already done.
set -eu

log() { echo "[accessflow-setup] $*"; }

# wait_for_port HOST PORT: up to ~2 minutes.
wait_for_port() {
  i=0
  until nc -z -w 2 "$1" "$2" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -ge 60 ]; then
      log "gave up waiting for $1:$2"
      exit 1
    fi
    sleep 2
  done
  log "$1:$2 is reachable"
}

# sql_tool DB ARGS...: temporal-sql-tool against the compose PostgreSQL.
sql_tool() {
  db=$1
  shift
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" \
    -u "$POSTGRES_USER" --db "$db" "$@"
}

setup_schema() {
  : "${POSTGRES_SEEDS:=postgresql}"
  : "${DB_PORT:=5432}"
  : "${POSTGRES_USER:=temporal}"
  # temporal-sql-tool reads the password from SQL_PASSWORD.
  export SQL_PASSWORD="${SQL_PASSWORD:-${POSTGRES_PWD:-temporal}}"
  schema_root=/etc/temporal/schema/postgresql/v12

  wait_for_port "$POSTGRES_SEEDS" "$DB_PORT"

  for db in temporal temporal_visibility; do
    case "$db" in
      temporal) dir="$schema_root/temporal/versioned" ;;
      *) dir="$schema_root/visibility/versioned" ;;
    esac
    log "database $db: create (no-op if it exists), set up, update to latest schema"
    sql_tool "$db" create
    # "-v 0.0" only creates the version tables; skipped when already at a later version.
    sql_tool "$db" setup-schema -v 0.0
    sql_tool "$db" update-schema -d "$dir"
  done
  log "PostgreSQL schema setup complete"
}

setup_namespace() {
  address="${TEMPORAL_ADDRESS:-temporal:7233}"
  namespace="${TEMPORAL_NAMESPACE:-default}"
  retention="${TEMPORAL_NAMESPACE_RETENTION:-7d}"
  host=$(echo "$address" | cut -d: -f1)
  port=$(echo "$address" | cut -d: -f2)

  wait_for_port "$host" "$port"
  # Temporal's own create-namespace.sh resolves the host to IPv4 first to work
  # around a resolution problem in the admin-tools image; do the same.
  ip=$(getent ahosts "$host" | grep STREAM | head -1 | awk '{print $1}')
  if [ -n "$ip" ]; then
    address="$ip:$port"
  fi
  log "Temporal frontend at $address"
  # The temporal CLI reads its address from TEMPORAL_ADDRESS.
  export TEMPORAL_ADDRESS="$address"

  i=0
  until temporal operator cluster health >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -ge 60 ]; then
      log "Temporal server did not become healthy"
      temporal operator cluster health || true
      exit 1
    fi
    sleep 2
  done
  log "Temporal server is healthy"

  if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
    log "namespace '$namespace' already exists"
  else
    log "creating namespace '$namespace' (retention $retention)"
    if ! out=$(temporal operator namespace create --namespace "$namespace" --retention "$retention" 2>&1); then
      case "$out" in
        *"already"*) log "namespace '$namespace' already exists" ;;
        *) echo "$out"; exit 1 ;;
      esac
    fi
    # A new namespace takes a moment to be visible on every frontend.
    i=0
    until temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; do
      i=$((i + 1))
      if [ "$i" -ge 30 ]; then
        log "namespace '$namespace' still not visible"
        exit 1
      fi
      sleep 2
    done
  fi

  # accessflow's custom search attributes (names and types must match
  # dev.accessflow.workflows.AccessflowTemporal.SEARCH_ATTRIBUTES).
  for spec in AccessRequester:Keyword AccessApp:Keyword AccessRole:Keyword \
              AccessStatus:Keyword AccessExpiresAt:Datetime AccessApprovedBy:Keyword \
              AccessTicketKey:Keyword AccessApprovers:KeywordList AccessRemovalOverdue:Bool \
              AccessBreakGlass:Keyword; do
    name=${spec%%:*}
    type=${spec#*:}
    if out=$(temporal operator search-attribute create --namespace "$namespace" \
               --name "$name" --type "$type" 2>&1); then
      log "search attribute $name ($type) created"
    else
      case "$out" in
        *"already exists"*) log "search attribute $name already exists" ;;
        *) echo "$out"; log "failed to create search attribute $name"; exit 1 ;;
      esac
    fi
  done

  log "search attributes on '$namespace':"
  temporal operator search-attribute list --namespace "$namespace" || true
  log "namespace setup complete"
}

case "${1:-}" in
  schema) setup_schema ;;
  namespace) setup_namespace ;;
  *) echo "usage: $0 schema|namespace" >&2; exit 2 ;;
esac
