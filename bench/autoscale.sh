#!/usr/bin/env bash
# Runs bench/autoscale.ts on the default local stack (Temporal dev server, kwok, Prometheus and the
# test exporter), started when not running and then stopped again. Not part of CI.
#
#   bench/autoscale.sh [--runs 5] [--intervals 30s,10s]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=""
cleanup() {
  [ -z "$started" ] || scripts/stack down || true
}
trap cleanup EXIT
if ! scripts/stack status >/dev/null 2>&1; then scripts/stack install; started=1; scripts/stack up; fi
eval "$(scripts/stack env)"
node --import tsx bench/autoscale.ts "$@"
