#!/usr/bin/env bash
# Runs its arguments as a command on the default local stack (Temporal dev server, kwok,
# Prometheus, the test exporter) with the stack's environment; starts the stack when it is not
# running and stops it again afterwards.
#
#   bench/with-stack.sh node --import tsx bench/autoscale.ts --runs 5
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
started=""
cleanup() {
  [ -z "$started" ] || scripts/stack down || true
}
trap cleanup EXIT
if ! scripts/stack status >/dev/null 2>&1; then scripts/stack install; started=1; scripts/stack up; fi
eval "$(scripts/stack env)"
"$@"
