#!/usr/bin/env bash
# Smoke test of the built bundle: it starts, prints its version, and exports a preset headless.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=dist/nnviz/nnviz
out=$(mktemp -d)
"$bin" --version
"$bin" trace two-two-two --steps 1 --json "$out/trace.json"
grep -q '0.2983711' "$out/trace.json"
QT_QPA_PLATFORM=offscreen "$bin" export xor --steps 1 --out "$out/export"
test -s "$out/export/step001-01-forward-L1.png"
echo "bundle smoke test passed"
