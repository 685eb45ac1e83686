#!/bin/sh
# One-shot (docker-compose.yml `temporal-setup`, with the admin credential): creates the Temporal
# namespace when missing and registers Mooring's search attributes (MOORING_SEARCH_ATTRIBUTES, all
# Keyword; the list must equal SEARCH_ATTRIBUTES in workflows/messages.ts). Safe to re-run:
# existing ones are skipped. The temporal CLI reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and
# TEMPORAL_TLS_{SERVER_CA_CERT,CLIENT_CERT,CLIENT_KEY}_PATH itself; the token comes from the file
# named by TEMPORAL_API_KEY_FILE (a mounted secret), as for every Mooring process.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
if [ -n "${TEMPORAL_API_KEY_FILE:-}" ]; then
  [ -s "$TEMPORAL_API_KEY_FILE" ] || { echo "TEMPORAL_API_KEY_FILE=$TEMPORAL_API_KEY_FILE is missing or empty" >&2; exit 1; }
  TEMPORAL_API_KEY="$(tr -d ' \r\n' <"$TEMPORAL_API_KEY_FILE")"
  export TEMPORAL_API_KEY
fi
temporal operator cluster health
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$ns" --retention 7d
# A new namespace reaches the server's namespace cache within seconds (up to ~10 s): wait for it.
tries=0
until existing="$(temporal operator search-attribute list --namespace "$ns" 2>/dev/null)"; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "namespace $ns not served within 60 s" >&2; exit 1; }
  sleep 1
done
for name in $MOORING_SEARCH_ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword
  fi
done
echo "namespace $ns ready with: $MOORING_SEARCH_ATTRIBUTES"
