#!/usr/bin/env bash
# Install nginx from Debian when it is missing (idempotent: does nothing when
# an nginx binary is already there). Used by the production launcher
# (`python -m bot.deploy`), the production test and the load benchmark.
#
# nginx is run by the launcher with its own configuration (deploy/), not as
# the system service: while installing, a policy-rc.d (if none exists) stops
# the package from starting the default site on port 80.
set -euo pipefail

have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }

if have_nginx; then
  echo "[nginx] already installed: $( (command -v nginx || echo /usr/sbin/nginx) | head -n1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[nginx] not installed and not root (no sudo): install the Debian package 'nginx'" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[nginx] not installed and apt-get is not available: install nginx yourself" >&2
  exit 1
fi

POLICY=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

echo "[nginx] installing the Debian package 'nginx'"
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends nginx >/dev/null; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y --no-install-recommends nginx >/dev/null
fi
have_nginx && echo "[nginx] installed: $(/usr/sbin/nginx -v 2>&1)"
