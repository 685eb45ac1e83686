#!/usr/bin/env bash
# Runs bench/production-profile.ts with both profiles up side by side: the default stack (started
# when not running) and a production-profile stack on its own state dir and ports (Temporal 7333,
# UI 8333, codec 8334, PostgreSQL 15432; started with --no-mooring when not running), the same
# settings as `scripts/test production`. Stops what it started.
#
#   bench/production-profile.sh [--runs 7] [--cluster-runs 3]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
default_state="${MOORING_STATE:-$HOME/.local/state/mooring}"
started_default="" started_prod=""
cleanup() {
  [ -z "$started_prod" ] || scripts/stack down --reset || true
  [ -z "$started_default" ] || MOORING_STATE="$default_state" MOORING_TEMPORAL_PORT=7233 \
    MOORING_TEMPORAL_UI_PORT=8233 MOORING_TEMPORAL_METRICS_PORT=7234 scripts/stack down || true
}
trap cleanup EXIT
if ! scripts/stack status >/dev/null 2>&1; then scripts/stack install; started_default=1; scripts/stack up; fi
eval "$(scripts/stack env)"
export MOORING_BENCH_DEV_ADDRESS="$TEMPORAL_ADDRESS" MOORING_BENCH_DEV_KUBECONFIG="$KUBECONFIG"

export MOORING_STATE="${MOORING_PRODUCTION_TEST_STATE:-$default_state-production-test}"
export MOORING_TEMPORAL_PORT=7333 MOORING_TEMPORAL_UI_PORT=8333 MOORING_TEMPORAL_METRICS_PORT=7334
export MOORING_PG_PORT=15432 MOORING_PRODUCTION_UI_PORT=8333 MOORING_CODEC_PORT=8334
export MOORING_WORKER_METRICS_PORT=9564
if ! scripts/stack status >/dev/null 2>&1; then
  scripts/stack install --profile production
  started_prod=1
  scripts/stack up --profile production --clusters 2 --no-mooring
fi
eval "$(scripts/stack env)"
node --import tsx bench/production-profile.ts "$@"
