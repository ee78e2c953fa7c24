#!/usr/bin/env bash
# Smoke test of the built Linux bundle (dist/nnviz, or the folder given): run from a moved copy
# of the folder, it reports the fast training kernel, opens and paints its window (offscreen, and
# under Xvfb where xvfb-run is installed), computes the worked example, exports a preset, refuses
# to start without a display with exit status 2, and carries its licences and no torch test files.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-dist/nnviz}
work=$(realpath "$(mktemp -d "$(dirname "$src")/smoke.XXXXXX")") # beside it: the move is a rename
trap 'rm -rf "$work"' EXIT
mv "$src" "$work/moved" # the bundle must not depend on where it was built
trap 'mv "$work/moved" "$src"; rm -rf "$work"' EXIT
bin="$work/moved/nnviz"
export NNVIZ_DATA_DIR="$work/data" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/share"

"$bin" --version
info=$("$bin" --version --verbose)
echo "$info"
grep -q '^training kernel: torchscript' <<<"$info" || { echo "bundle runs the slow kernel"; exit 1; }
grep -q '^install: desktop bundle' <<<"$info"

t0=$(date +%s.%N)
painted=$(QT_QPA_PLATFORM=offscreen NNVIZ_STARTUP_PROBE=1 timeout 120 "$bin")
t1=$(date +%s.%N)
[ "$painted" = "nnviz: painted" ] || { echo "window did not paint offscreen: $painted"; exit 1; }
echo "window painted offscreen in $(python3 -c "print(round($t1 - $t0, 2))") s"
if command -v xvfb-run >/dev/null 2>&1; then
  painted=$(env -u WAYLAND_DISPLAY QT_QPA_PLATFORM=xcb NNVIZ_STARTUP_PROBE=1 \
    timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$bin")
  [ "$painted" = "nnviz: painted" ] || { echo "window did not paint under Xvfb: $painted"; exit 1; }
  echo "window painted under Xvfb (xcb)"
fi

set +e
msg=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$bin" 2>&1 >/dev/null)
rc=$?
set -e
[ "$rc" = 2 ] && grep -q 'no display' <<<"$msg" || { echo "no display: rc $rc, $msg"; exit 1; }

"$bin" trace two-two-two --steps 1 --json "$work/trace.json"
grep -q '0.2983711' "$work/trace.json"
QT_QPA_PLATFORM=offscreen "$bin" export xor --steps 1 --out "$work/export"
test -s "$work/export/step001-01-forward-L1.png"

"$bin" --install-desktop >/dev/null
grep -q "^Exec=$work/moved/nnviz %f\$" "$XDG_DATA_HOME/applications/org.nnviz.nnviz.desktop"
"$bin" --uninstall-desktop >/dev/null
test ! -e "$XDG_DATA_HOME/applications/org.nnviz.nnviz.desktop"

for f in LICENSE THIRD-PARTY-NOTICES.txt README-BUNDLE.txt \
  _internal/licenses/PySide6_Essentials/LGPL-3.0.txt _internal/licenses/torch/LICENSE; do
  test -s "$work/moved/$f" || { echo "missing $f"; exit 1; }
done
if find "$work/moved" \( -path '*/torch/bin/test_*' -o -name 'libtorchbind_test*' \
  -o -name 'libjitbackend_test*' \) | grep -q .; then
  echo "torch test files in the bundle"
  exit 1
fi
grep -o 'glibc [0-9.]* or newer' "$work/moved/README-BUNDLE.txt"
echo "bundle: $(du -sh "$work/moved" | cut -f1), $(find "$work/moved" -type f | wc -l) files"
echo "bundle smoke test passed"
