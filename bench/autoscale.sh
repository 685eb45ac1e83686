#!/usr/bin/env bash
# Runs bench/autoscale.ts on the default local stack (Temporal dev server, kwok, Prometheus and the
# test exporter), started when not running and then stopped again. Not part of CI.
#
#   bench/autoscale.sh [--runs 5] [--intervals 30s,10s]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench/with-stack.sh node --import tsx bench/autoscale.ts "$@"
