#!/usr/bin/env bash
# Make sure the PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) servers
# that some tests talk to are running; start them if they are stopped.
# Used by .ci/run and by `make test`. The bot itself never needs them by default.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! up 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "[services] starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  else
    echo "[services] PostgreSQL is not installed here; the PostgreSQL tests will fail"
  fi
fi
if ! up 6379; then
  if command -v redis-server >/dev/null; then
    echo "[services] starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  else
    echo "[services] Redis is not installed here; the Redis tests will fail"
  fi
fi
for i in $(seq 1 30); do up 5432 && up 6379 && break; sleep 1; done
up 5432 && echo "[services] PostgreSQL is up" || echo "[services] PostgreSQL is NOT up"
up 6379 && echo "[services] Redis is up" || echo "[services] Redis is NOT up"
exit 0
