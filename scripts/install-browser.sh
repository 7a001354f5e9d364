#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests (tests/browser),
# from Debian's packages. Idempotent: does nothing when both are installed.
# Run by the browser tests' fixture (tests/browser/conftest.py) and usable by hand.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# fonts so that screenshots show text (fonts-dejavu-core is small and has Welsh ŵ/ŷ)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "[install-browser] installing: ${need[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v chromium >/dev/null && command -v chromedriver >/dev/null
echo "[install-browser] $(chromium --version 2>/dev/null || true)"
