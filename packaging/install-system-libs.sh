#!/usr/bin/env bash
# Debian/Ubuntu libraries Qt needs (offscreen and on a desktop). Needs root or sudo; skips
# quietly where apt-get is absent (macOS, Windows, other distributions bring their own).
set -eu
command -v apt-get >/dev/null 2>&1 || exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
PKGS="libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-image0"
missing=""
# Debian's and Ubuntu's own Python makes virtual environments only with python3-venv
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  missing="python3-venv"
fi
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
