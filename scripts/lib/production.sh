# shellcheck shell=bash
# The production profile of the local stack (sourced by scripts/stack): the topology of
# docker-compose.yml run as processes on loopback.
#
#   PostgreSQL (Debian) -> Temporal server (go.temporal.io/server, our authorizer) on TLS with
#   client certificates and JWT roles -> Temporal UI server, codec server -> two kwok clusters,
#   a control-plane worker (no kubeconfig) and one agent per cluster (its kubeconfig only).
#
# Everything lives under $PROD ($MOORING_STATE/production): pki/ (CA, server and client
# certificates), jwt/ (signing key, jwks.json, one token per identity), secrets/ (codec keys,
# database password), config/clusters.yaml (the cluster registry), logs and pid files.

PROD="$STATE/production"
# Published ports: compose's unless set (Temporal's gRPC port is the stack's MOORING_TEMPORAL_PORT).
PG_PORT="${MOORING_PG_PORT:-15432}"
PROD_UI_PORT="${MOORING_PRODUCTION_UI_PORT:-8080}"
CODEC_PORT="${MOORING_CODEC_PORT:-8081}"
WORKER_METRICS_PORT="${MOORING_WORKER_METRICS_PORT:-9464}"
PROD_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
# The clusters docker-compose.yml has an agent for.
ALL_CLUSTER_NAMES=(us-east eu-central)
PROD_CLUSTERS=2
[ ! -f "$STATE/profile" ] || read -r _ PROD_CLUSTERS <"$STATE/profile"

prod_cluster_names() { # count
  local n="$1"
  [ "$n" -ge 1 ] && [ "$n" -le ${#ALL_CLUSTER_NAMES[@]} ] || die "--clusters must be 1..${#ALL_CLUSTER_NAMES[@]}"
  printf '%s\n' "${ALL_CLUSTER_NAMES[@]:0:$n}"
}

# PostgreSQL refuses to run as root: then it runs as Debian's `postgres` user, with its data
# outside root's home (which that user cannot enter).
pg_data_dir() {
  if [ "$(id -u)" = 0 ]; then
    printf '/var/tmp/mooring-postgres/%s' "$(printf '%s' "$PROD" | sha256sum | cut -c1-12)"
  else
    printf '%s/postgres' "$PROD"
  fi
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_BIN="${MOORING_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"

# --- certificates and tokens --------------------------------------------------------------------

prod_pki() {
  local d="$PROD/pki"
  [ -f "$d/.complete" ] && return
  log "pki: creating a CA, the frontend's certificate and one client certificate per identity"
  mkdir -p "$d" && chmod 700 "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=Mooring local stack CA" -keyout "$d/ca-key.pem" -out "$d/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  prod_leaf server "serverAuth" "DNS:localhost,DNS:temporal,IP:127.0.0.1"
  local who
  for who in admin operator control-plane ui reader "${ALL_CLUSTER_NAMES[@]/#/agent-}"; do
    prod_leaf "$who" "clientAuth" ""
  done
  touch "$d/.complete"
}

prod_leaf() { # name extendedKeyUsage subjectAltName
  local d="$PROD/pki" name="$1" eku="$2" san="$3" ext
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } >"$ext"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$d/$name-key.pem" -out "$d/$name.csr" 2>/dev/null
  openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial \
    -days 825 -extfile "$ext" -out "$d/$name.pem" 2>/dev/null
  rm -f "$d/$name.csr" "$ext"
  chmod 600 "$d/$name-key.pem"
}

# Tokens live 30 days; re-minted when older than 20.
prod_tokens() {
  local d="$PROD/jwt"
  mkdir -p "$d" && chmod 700 "$d"
  [ -f "$d/signing-key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$d/signing-key.pem" 2>/dev/null
  chmod 600 "$d/signing-key.pem"
  if [ -f "$d/operator.jwt" ] && [ -z "$(find "$d/operator.jwt" -mtime +20)" ]; then return; fi
  log "jwt: minting one token per identity (jwks: $d/jwks.json)"
  (cd "$ROOT" && node --import tsx scripts/production/mint-tokens.ts "$d/signing-key.pem" "$d" \
    "$PROD_NAMESPACE" "${ALL_CLUSTER_NAMES[@]}") || die "jwt: minting tokens failed"
}

prod_secrets() {
  local d="$PROD/secrets"
  mkdir -p "$d" && chmod 700 "$d"
  [ -f "$d/pg-password" ] || (umask 077 && openssl rand -hex 24 >"$d/pg-password")
  [ -f "$d/codec-keys.yaml" ] || (umask 077 && printf -- '- id: local-1\n  key: %s\n' "$(openssl rand -base64 32)" >"$d/codec-keys.yaml")
}

# --- PostgreSQL ----------------------------------------------------------------------------------

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$(pg_data_dir)" status >/dev/null 2>&1; }

start_postgres() {
  local data; data="$(pg_data_dir)"
  [ -x "$PG_BIN/postgres" ] || die "postgresql: no server binaries under /usr/lib/postgresql (scripts/stack install)"
  if pg_running; then log "postgresql: already running ($data)"; return; fi
  port_in_use "$PG_PORT" && die "postgresql: port $PG_PORT is taken; set MOORING_PG_PORT"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "postgresql: initializing $data"
    mkdir -p "$data"
    [ "$(id -u)" != 0 ] || chown -R postgres:postgres "$(dirname "$data")"
    local pw; pw="$(mktemp)"; cp "$PROD/secrets/pg-password" "$pw"
    [ "$(id -u)" != 0 ] || chown postgres "$pw"
    as_pg "$PG_BIN/initdb" -D "$data" -U temporal --auth=scram-sha-256 --pwfile="$pw" \
      >"$PROD/postgres-init.log" 2>&1 || { rm -f "$pw"; die "postgresql: initdb failed (log: $PROD/postgres-init.log)"; }
    rm -f "$pw"
  fi
  log "postgresql: starting on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $data -c max_connections=200" start \
    >/dev/null || die "postgresql: did not start (log: $data/server.log)"
}

stop_postgres() {
  pg_running || return 0
  log "postgresql: stopping"
  as_pg "$PG_BIN/pg_ctl" -D "$(pg_data_dir)" -m fast -w stop >/dev/null || true
}

# --- Temporal server, schema, namespace, UI, codec server ------------------------------------------
#
# Every service runs as docker-compose.yml says (scripts/compose/native-exec.ts): its command, its
# environment, this directory's files in place of compose's secrets and volumes. The only
# deviations are the published ports when this stack does not use compose's (e.g. a test stack
# beside the default one); native-exec prints them in each service's log.

compose_ports() {
  printf -- '--port 7233=%s --port 8080=%s --port 8081=%s --port 5432=%s --port 9464=%s --port 9466=%s --port 9468=%s' \
    "$TEMPORAL_PORT" "$PROD_UI_PORT" "$CODEC_PORT" "$PG_PORT" \
    "$WORKER_METRICS_PORT" "$((WORKER_METRICS_PORT + 2))" "$((WORKER_METRICS_PORT + 4))"
}

compose_service() { # service [native-exec options]
  local service="$1"; shift
  # shellcheck disable=SC2046
  (cd "$ROOT" && MOORING_PG_PASSWORD="$(cat "$PROD/secrets/pg-password")" PATH="$BIN:$PATH" \
    node --import tsx scripts/compose/native-exec.ts "$service" --state "$PROD" $(compose_ports) "$@")
}

compose_detached() { # service
  if prod_pid_running "$1"; then log "$1: already running (pid $(cat "$PROD/$1.pid"))"; return; fi
  : >"$PROD/$1.log"
  compose_service "$1" --detach || die "$1: could not start (log: $PROD/$1.log)"
}

compose_one_shot() { # service
  log "$1: running (log: $PROD/$1.log)"
  compose_service "$1" >"$PROD/$1.log" 2>&1 \
    || { tail -n 20 "$PROD/$1.log" >&2; die "$1 failed (log: $PROD/$1.log)"; }
}

# A client of the frontend with one identity's certificate and token: Temporal's own variables,
# which the temporal CLI and Mooring read alike.
prod_client_env() { # identity
  cat <<EOF
TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
TEMPORAL_NAMESPACE=$PROD_NAMESPACE
TEMPORAL_TLS_SERVER_CA_CERT_PATH=$PROD/pki/ca.pem
TEMPORAL_TLS_CLIENT_CERT_PATH=$PROD/pki/$1.pem
TEMPORAL_TLS_CLIENT_KEY_PATH=$PROD/pki/$1-key.pem
TEMPORAL_TLS_SERVER_NAME=localhost
TEMPORAL_API_KEY_FILE=$PROD/jwt/$1.jwt
EOF
}

prod_temporal_ready() {
  TEMPORAL_API_KEY="$(cat "$PROD/jwt/admin.jwt")" "$BIN/temporal" operator cluster health \
    --address "127.0.0.1:$TEMPORAL_PORT" --tls-ca-path "$PROD/pki/ca.pem" \
    --tls-cert-path "$PROD/pki/admin.pem" --tls-key-path "$PROD/pki/admin-key.pem" \
    --tls-server-name localhost >/dev/null 2>&1
}

prod_pid_running() { [ -f "$PROD/$1.pid" ] && kill -0 "$(cat "$PROD/$1.pid")" 2>/dev/null; }

prod_stop() { # name
  prod_pid_running "$1" || { rm -f "$PROD/$1.pid"; return 0; }
  local pid; pid="$(cat "$PROD/$1.pid")"
  log "$1: stopping (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  wait_for "$1-stop" 30 bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PROD/$1.pid"
}

start_temporal_server() {
  compose_one_shot temporal-schema
  compose_detached temporal
  if ! wait_for temporal "$UP_TIMEOUT" prod_temporal_ready; then
    tail -n 30 "$PROD/temporal.log" >&2
    die "temporal: server did not answer on 127.0.0.1:$TEMPORAL_PORT (TLS) within ${UP_TIMEOUT}s (log: $PROD/temporal.log)"
  fi
  log "temporal: server ready on 127.0.0.1:$TEMPORAL_PORT (mutual TLS + JWT authorization)"
  compose_one_shot temporal-setup
}

start_codec_and_ui() {
  compose_detached codec-server
  compose_detached temporal-ui
  wait_for temporal-ui 60 curl -fsS -o /dev/null "http://127.0.0.1:$PROD_UI_PORT/" \
    || { tail -n 20 "$PROD/temporal-ui.log" >&2; die "temporal-ui: no answer on http://127.0.0.1:$PROD_UI_PORT within 60s"; }
}

# --- clusters and Mooring processes ---------------------------------------------------------------

prod_kubeconfig() { printf '%s/kubeconfig-%s' "$PROD" "$1"; }

start_prod_clusters() {
  local name
  for name in $(prod_cluster_names "$PROD_CLUSTERS"); do
    KUBE_PORT="" CLUSTER_NAME="mooring-$name" KUBECONFIG_FILE="$(prod_kubeconfig "$name")" start_kubernetes
  done
  mkdir -p "$PROD/config"
  {
    echo "# Written by scripts/stack up --profile production: the clusters of this stack."
    echo "clusters:"
    for name in $(prod_cluster_names "$PROD_CLUSTERS"); do
      echo "  - name: $name"
      echo "    server: $("$BIN/kubectl" --kubeconfig "$(prod_kubeconfig "$name")" config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
    done
  } >"$PROD/config/clusters.yaml"
}

prod_mooring_env() { # identity
  prod_client_env "$1"
  cat <<EOF
MOORING_CODEC_KEYS_FILE=$PROD/secrets/codec-keys.yaml
MOORING_CONFIG=$PROD/config
EOF
}

start_prod_mooring() {
  mkdir -p "$PROD/cache"
  compose_detached worker
  local name
  for name in $(prod_cluster_names "$PROD_CLUSTERS"); do compose_detached "agent-$name"; done
}

cmd_up_production() { # no-mooring
  local no_mooring="$1" t0=$SECONDS
  command -v openssl >/dev/null || die "openssl is required for the production profile"
  local b
  for b in mooring-temporal-server temporal-sql-tool mooring-temporal-ui; do
    [ -x "$BIN/$b" ] || die "$b is not installed; run: scripts/stack install --profile production"
  done
  mkdir -p "$PROD"
  echo "production $PROD_CLUSTERS" >"$STATE/profile"
  prod_pki
  prod_tokens
  prod_secrets
  start_postgres
  start_temporal_server
  start_codec_and_ui
  start_prod_clusters
  [ -n "$no_mooring" ] || start_prod_mooring
  log "production stack up in $((SECONDS - t0))s"
  print_prod_addresses
}

cmd_down_production() { # reset
  local name
  for name in worker "${ALL_CLUSTER_NAMES[@]/#/agent-}" temporal-ui codec-server temporal; do prod_stop "$name"; done
  stop_postgres
  for name in "${ALL_CLUSTER_NAMES[@]}"; do
    CLUSTER_NAME="mooring-$name" KUBECONFIG_FILE="$(prod_kubeconfig "$name")" stop_or_reset_cluster "$1"
  done
  if [ -n "$1" ]; then
    rm -rf "$PROD" "$(pg_data_dir)"
    log "production stack down; its database, clusters and credentials wiped"
  fi
  rm -f "$STATE/profile"
}

print_prod_addresses() {
  local name
  cat <<EOF
Profile:         production (clusters: $(prod_cluster_names "$PROD_CLUSTERS" | tr '\n' ' '))
Temporal gRPC:   127.0.0.1:$TEMPORAL_PORT (mutual TLS, JWT; CA $PROD/pki/ca.pem)
Temporal Web UI: http://127.0.0.1:$PROD_UI_PORT (codec server http://127.0.0.1:$CODEC_PORT)
PostgreSQL:      127.0.0.1:$PG_PORT
EOF
  for name in $(prod_cluster_names "$PROD_CLUSTERS"); do
    printf 'Cluster %-9s kubeconfig %s\n' "$name:" "$(prod_kubeconfig "$name")"
  done
  echo "Operator shell:  eval \"\$(scripts/stack env)\"   (the operator's certificate and token)"
}

cmd_env_production() {
  local line
  echo "export PATH=\"$BIN:\$PATH\""
  while IFS= read -r line; do echo "export $line"; done < <(prod_mooring_env operator)
  cat <<EOF
export MOORING_PROFILE=production
export MOORING_COMPOSE_PORTS="$(compose_ports | sed 's/--port //g')"
export MOORING_PRODUCTION_STATE="$PROD"
export MOORING_TEMPORAL_UI="http://127.0.0.1:$PROD_UI_PORT"
export MOORING_CODEC_ENDPOINT="http://127.0.0.1:$CODEC_PORT"
export KWOK_WORKDIR="$KWOK_WORKDIR"
EOF
}

status_production() {
  local rc=0 name
  pg_running && echo "postgresql:  running ($(pg_data_dir))" || { echo "postgresql:  stopped"; rc=1; }
  for name in temporal temporal-ui codec-server worker $(prod_cluster_names "$PROD_CLUSTERS" | sed 's/^/agent-/'); do
    if prod_pid_running "$name"; then printf '%-12s running (pid %s, log %s)\n' "$name:" "$(cat "$PROD/$name.pid")" "$PROD/$name.log"
    else printf '%-12s stopped\n' "$name:"; [ "$name" = worker ] || [ "${name#agent-}" != "$name" ] || rc=1; fi
  done
  for name in $(prod_cluster_names "$PROD_CLUSTERS"); do
    if "$BIN/kubectl" --kubeconfig "$(prod_kubeconfig "$name")" get --raw /readyz >/dev/null 2>&1; then
      printf '%-12s running (kwok cluster mooring-%s)\n' "$name:" "$name"
    else printf '%-12s stopped\n' "$name:"; rc=1; fi
  done
  print_prod_addresses
  return $rc
}
