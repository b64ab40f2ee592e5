#!/usr/bin/env bash
# Copy the pinned front-end packages from npm into the repository, so pages and browser tests
# need no build step and no network. Change a version here, run this, and commit the result
# together with the versions in gateway/gateway/static/vendor/README.md.
set -euo pipefail

PICO_VERSION=2.1.1
AXE_VERSION=4.14.1

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# npm pack checks the tarball against the registry's integrity hash before writing it.
unpack() {
  local package="$1" version="$2" target="$3"
  mkdir -p "$work/$target"
  (cd "$work" && npm pack --silent "$package@$version" >"$target.name")
  tar -xzf "$work/$(cat "$work/$target.name")" -C "$work/$target"
  echo "$work/$target/package"
}

pico="$(unpack @picocss/pico "$PICO_VERSION" pico)"
pico_dir="$root/gateway/gateway/static/vendor/pico"
mkdir -p "$pico_dir"
cp "$pico/css/pico.min.css" "$pico/LICENSE.md" "$pico_dir/"

axe="$(unpack axe-core "$AXE_VERSION" axe)"
axe_dir="$root/tests/vendor/axe-core"
mkdir -p "$axe_dir"
cp "$axe/axe.min.js" "$axe/LICENSE" "$axe/LICENSE-3RD-PARTY.txt" "$axe_dir/"

(cd "$root" && sha256sum gateway/gateway/static/vendor/pico/* tests/vendor/axe-core/*)
