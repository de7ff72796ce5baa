#!/usr/bin/env bash
# Install everything WireTuner GL and its tests need on a Debian machine with Python 3.11:
# Debian packages (Mesa llvmpipe + EGL for offscreen GL, Xvfb for windows, PostgreSQL and Redis
# binaries for the server tests, poppler for PDF checks), then a virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-venv python3-dev build-essential
  xvfb xauth libegl1 libgl1 libegl-mesa0 libgl1-mesa-dri libgles2 libglfw3
  libxrandr2 libxinerama1 libxcursor1 libxi6 libxkbcommon0
  postgresql redis-server poppler-utils
)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
