#!/usr/bin/env bash
# Build the one-folder desktop bundle for this platform into dist/nnviz (Linux; the same spec
# builds the Windows folder and the macOS .app, see README "Install"). Prints the build time, the
# bundle size and the oldest glibc it runs on. Run it in an environment that has nnviz's
# dependencies (the CPU build of PyTorch: pip install torch==2.13.0).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q "pyinstaller>=6.10"
start=$(date +%s)
python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist \
  --workpath build/pyinstaller packaging/nnviz.spec
end=$(date +%s)
echo "bundle built in $((end - start)) s; size $(du -sh dist/nnviz | cut -f1)" \
  "($(find dist/nnviz -type f | wc -l) files)"
python packaging/glibc_floor.py dist/nnviz
