#!/usr/bin/env bash
# Build the peers (Flux source-controller + kustomize-controller, Argo CD) from the Go module proxy
# through the wrapper modules in bench/peers/gomod/, one at a time and at the lowest priority.
# Binaries and the CRDs shipped in the peers' modules go to a cache outside the repo:
#
#   ${MOORING_CACHE:-~/.cache/mooring}/peers/<name>-<version>/{<binary>,crds/,build.json}
#
# A peer whose directory already holds its binary is skipped. A failed peer is recorded in
# <dir>/build-error.txt (module, step, error text) and the script goes on with the next one.
#
#   bench/peers/build.sh [source-controller|kustomize-controller|argocd]...   (default: all)
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${MOORING_CACHE:-$HOME/.cache/mooring}/peers"
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# `nice` alone does not keep a build started from its own session (setsid, a terminal) from
# taking half the machine: the scheduler shares CPU between sessions first (autogroup).
echo 19 >/proc/self/autogroup 2>/dev/null || true

log() { printf '[peers] %s\n' "$*" >&2; }

# name version main-package binary toolchain crd-module crd-dir
PEERS=(
  "source-controller v1.9.1 github.com/fluxcd/source-controller source-controller local github.com/fluxcd/source-controller config/crd/bases"
  "kustomize-controller v1.9.4 github.com/fluxcd/kustomize-controller kustomize-controller local github.com/fluxcd/kustomize-controller config/crd/bases"
  "argocd v3.6.1 github.com/argoproj/argo-cd/v3/cmd argocd go1.27.3 github.com/argoproj/argo-cd/v3 manifests/crds"
)

build_one() { # name version pkg bin toolchain crdmod crddir
  local name="$1" version="$2" pkg="$3" bin="$4" toolchain="$5" crdmod="$6" crddir="$7"
  local out="$CACHE/$name-$version" mod="$HERE/gomod/$name" start=$SECONDS step
  if [[ -x "$out/$bin" && -d "$out/crds" ]]; then
    log "$name $version: cached ($out)"
    return 0
  fi
  mkdir -p "$out"
  rm -f "$out/build-error.txt"
  fail() {
    {
      printf 'peer: %s %s\nstep: %s\nwrapper: %s\nafter: %ss\n\n' "$name" "$version" "$step" "$mod" "$((SECONDS - start))"
      tail -n 40 "$out/build.log"
    } >"$out/build-error.txt"
    log "$name: FAILED at '$step' after $((SECONDS - start))s (see $out/build-error.txt)"
    return 1
  }
  log "$name $version: building (log: $out/build.log)"
  (
    cd "$mod" || exit 1
    export GOTOOLCHAIN="$toolchain"
    step="go mod tidy"
    echo "== $step" >"$out/build.log"
    nice -n 19 go mod tidy >>"$out/build.log" 2>&1 || exit 11
    echo "== go build $pkg" >>"$out/build.log"
    nice -n 19 go build -trimpath -ldflags "-s -w" -o "$out/$bin.tmp" "$pkg" >>"$out/build.log" 2>&1 || exit 12
    # The CRDs ship in the peers' modules: copy them from the module cache.
    echo "== go mod download $crdmod" >>"$out/build.log"
    local dir
    dir="$(go list -m -f '{{.Dir}}' "$crdmod" 2>>"$out/build.log")" || exit 13
    if [[ -z "$dir" || ! -d "$dir/$crddir" ]]; then
      go mod download "$crdmod" >>"$out/build.log" 2>&1 || exit 13
      dir="$(go list -m -f '{{.Dir}}' "$crdmod")"
    fi
    rm -rf "$out/crds" && mkdir -p "$out/crds" && cp "$dir/$crddir"/*.yaml "$out/crds/" || exit 13
    chmod -R u+w "$out/crds"
    # Argo CD's repo-server runs git through this wrapper (its image ships it): on PATH next to the binary.
    if [[ -f "$dir/hack/git-verify-wrapper.sh" ]]; then
      install -m 755 "$dir/hack/git-verify-wrapper.sh" "$out/git-verify-wrapper.sh" || exit 13
    fi
  )
  case $? in
    0) ;;
    11) step="go mod tidy"; fail; return 1 ;;
    12) step="go build $pkg"; fail; return 1 ;;
    *) step="copy CRDs from $crdmod/$crddir"; fail; return 1 ;;
  esac
  mv "$out/$bin.tmp" "$out/$bin"
  local secs=$((SECONDS - start))
  printf '{"name":"%s","version":"%s","package":"%s","seconds":%d,"bytes":%d,"builtAt":"%s"}\n' \
    "$name" "$version" "$pkg" "$secs" "$(stat -c %s "$out/$bin")" "$(date -u +%FT%TZ)" >"$out/build.json"
  log "$name $version: built in ${secs}s ($out/$bin)"
}

want=("$@")
rc=0
for spec in "${PEERS[@]}"; do
  read -r name version pkg bin toolchain crdmod crddir <<<"$spec"
  if ((${#want[@]})) && [[ ! " ${want[*]} " == *" $name "* ]]; then continue; fi
  build_one "$name" "$version" "$pkg" "$bin" "$toolchain" "$crdmod" "$crddir" || rc=1
done
exit $rc
