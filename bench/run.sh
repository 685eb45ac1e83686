#!/usr/bin/env bash
# `npm run bench`: the figures of the issues' goals, each printed as JSON and as lines for humans.
# Without services: the Git poll path and bytes (bench/git-revision-check.ts). On the default local
# stack, started when not running and then stopped again: the engine against the cluster
# (bench/engine.ts), CLI start-up (bench/cli.ts, on the compiled dist/) and end-to-end latency
# (bench/e2e-latency.ts: webhook → Synced/Healthy, drift revert, events per sync, rollbacks,
# git-poll). Not part of CI. Extra arguments go to e2e-latency (e.g. --runs 7 --poll-runs 0).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
node --import tsx bench/git-revision-check.ts
[ -f dist/.build-stamp ] || scripts/build
# One stack for all three (started and stopped once).
bench/with-stack.sh bash -c 'node --import tsx bench/engine.ts && node --import tsx bench/cli.ts &&
  node --import tsx bench/e2e-latency.ts "$@"' bench "$@"
