#!/usr/bin/env bash
# Package test: what a user gets from `npm install latent`. Run after `npm run build`
# (`npm run test:package`). In a temporary project it installs the packed tarball
# with its peers at the repo's versions, then checks that
#   - it loads from Node ESM and CJS, picks the wasm backend, and takes a gradient
#     through library functions and a comparison op, against hand-computed numbers;
#   - a third-party distribution registers its KL and passes latent/testing's kit;
#   - a TypeScript consumer type-checks under nodenext (ESM and CJS) and bundler
#     resolution, strict, without skipLibCheck;
#   - @tensorflow/tfjs (the union package) imported before or after it still works,
#     and no registration warning is printed;
#   - every code block of README.md and docs/*.md runs against it (snippets.mjs);
#   - publint (--strict) and attw find no problem in the tarball.
# Each check's output goes to a log, shown only when it fails (VERBOSE=1: always).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
APP="$WORK/app"
BIN="$REPO/node_modules/.bin"
TFJS=4.22.0
NPM_INSTALL=(npm install --no-audit --no-fund --prefer-offline)
passed=0 failed=0

section() { printf '\n== %s ==\n' "$1"; }

# check [-v] NAME CMD...: runs CMD with its output in $LOG and counts it; prints the
# output if CMD fails, or with -v (or VERBOSE=1) if it passes.
check() {
  local show=${VERBOSE:-0}
  [[ $1 == -v ]] && { show=1; shift; }
  local name=$1
  shift
  LOG="$WORK/check-$((passed + failed)).log"
  if "$@" >"$LOG" 2>&1; then
    passed=$((passed + 1))
    echo "  ok    $name"
    # (hiding tfjs's "install tfjs-node to speed things up" banner)
    if [[ $show == 1 ]]; then grep -Ev '^(=*|Hi, looks like you are running TensorFlow.js in Node.js.*)$' "$LOG" | sed 's/^/        /'; fi
  else
    failed=$((failed + 1))
    echo "  FAIL  $name"
    tail -n 60 "$LOG" | sed 's/^/        /'
    return 1
  fi
}

finish() {
  printf '\npackage: %d passed, %d failed\n' "$passed" "$failed"
  exit $((failed > 0))
}

section "1. Pack"
cd "$REPO"
[[ -f "$REPO/dist/index.js" ]] || { echo "  dist/ is missing: run npm run build first"; failed=1; finish; }
check "npm pack" npm pack --pack-destination "$WORK" || finish
TARBALL=$(echo "$WORK"/latent-*.tgz)
echo "        $(basename "$TARBALL"): $(tar tzf "$TARBALL" | wc -l) files, $(du -k "$TARBALL" | cut -f1) KiB"

section "2. Install into a fresh project"
mkdir "$APP"
cp "$HERE"/{checks.cjs,consumer.mjs,consumer.cjs,consumer.ts,extension.mjs,union.mjs,tsconfig.nodenext.json,tsconfig.bundler.json} "$APP/"
cp "$APP/consumer.ts" "$APP/consumer.cts" # the same consumer, type-checked as CommonJS
cd "$APP"
check "npm init -y && npm pkg set type=module" bash -c 'npm init -y && npm pkg set type=module' || finish
check "npm install latent + tfjs-core/cpu/wasm $TFJS + typescript" "${NPM_INSTALL[@]}" "$TARBALL" \
  "@tensorflow/tfjs-core@$TFJS" "@tensorflow/tfjs-backend-cpu@$TFJS" "@tensorflow/tfjs-backend-wasm@$TFJS" \
  "typescript@~5.9.3" "fast-check@^4" || finish

section "3. Node consumers"
check -v "ESM: import from 'latent'" node consumer.mjs || true
check -v "CJS: require('latent')" node consumer.cjs || true
check -v "extension path: a custom distribution, registerKL, latent/testing" node extension.mjs || true

section "4. TypeScript consumers (tsc $(node_modules/.bin/tsc --version | cut -d' ' -f2), strict, skipLibCheck false)"
check "module/moduleResolution nodenext (consumer.ts as ESM, consumer.cts as CJS)" \
  node_modules/.bin/tsc -p tsconfig.nodenext.json || true
check "module esnext, moduleResolution bundler" node_modules/.bin/tsc -p tsconfig.bundler.json || true

section "5. Next to the union package @tensorflow/tfjs@$TFJS"
if check "npm install @tensorflow/tfjs@$TFJS" "${NPM_INSTALL[@]}" "@tensorflow/tfjs@$TFJS"; then
  for order in tfjs-first latent-first; do
    check -v "import $order" node union.mjs "$order" || continue
    # tfjs warns on a duplicate registration of a backend, kernel, gradient or platform
    warnings=$(grep -Ei 'overriding|already (been )?(registered|set)|overwriting' "$LOG" || true)
    check "import $order: no registration warnings" test -z "$warnings" || echo "$warnings" | sed 's/^/        /'
  done
fi

section "6. Every code block of README.md and docs/*.md, run against the tarball"
check -v "snippets (node test/package/snippets.mjs)" node "$HERE/snippets.mjs" "$REPO" "$APP" || true

section "7. Package lint"
cd "$REPO"
check "publint --strict" "$BIN/publint" run --strict "$TARBALL" || true
# Profile node16: TypeScript's legacy node10 resolution cannot see subpath exports
# (latent/testing) at all; node16/nodenext and bundler resolution are checked.
check "attw (are the types wrong), profile node16" "$BIN/attw" --profile node16 --no-color --no-emoji --format table-flipped "$TARBALL" || true

finish
