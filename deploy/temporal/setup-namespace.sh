#!/bin/sh
# One-shot (docker-compose.yml `search-attributes`): creates the Temporal namespace when missing and
# registers Mooring's search attributes (MOORING_SEARCH_ATTRIBUTES, all Keyword; the list must
# equal SEARCH_ATTRIBUTES in workflows/messages.ts). Safe to re-run: existing ones are skipped.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
temporal operator cluster health
temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$ns" --retention 7d
existing="$(temporal operator search-attribute list --namespace "$ns")"
for name in $MOORING_SEARCH_ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword
  fi
done
echo "namespace $ns ready with: $MOORING_SEARCH_ATTRIBUTES"
