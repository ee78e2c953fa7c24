#!/usr/bin/env bash
# Build the one-folder desktop bundle for this platform into dist/nnviz (Linux; the same spec
# works on Windows and macOS, see README "Install"). Prints the build time and the bundle size.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q "pyinstaller>=6.10"
start=$(date +%s)
python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  packaging/nnviz.spec
end=$(date +%s)
echo "bundle built in $((end - start)) s; size $(du -sh dist/nnviz | cut -f1)"
