"""Production fixtures: a PostgreSQL database and a Redis db of the test's own.

PostgreSQL at ``NEST_TEST_PG_ADMIN_URL`` (default
``postgresql+psycopg2://postgres@127.0.0.1:5432/postgres``, trust auth) and
Redis at 127.0.0.1:6379 must be running (``.ci/run`` and ``make test`` start
them): if either cannot be reached the tests FAIL, saying so.
"""
from __future__ import annotations

import os
import random
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get("NEST_TEST_PG_ADMIN_URL",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
FIXED_NOW = "2026-11-24T10:00:00+00:00"


@pytest.fixture(scope="module")
def pg_database():
    """A uniquely named, empty PostgreSQL database; dropped afterwards.

    Yields ``(url, name)`` where ``url`` is a psycopg2 URL string for it.
    """
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {make_url(PG_ADMIN_URL).render_as_string()} "
                    f"({exc.__class__.__name__}): start it (.ci/run and scripts/ensure-services.sh do)")
    name = f"nest_prod_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url, name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def redis_db():
    """An empty Redis database number for this test; flushed afterwards."""
    import redis

    probe = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0, socket_timeout=3)
    try:
        probe.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({exc.__class__.__name__}): "
                    f"start it (.ci/run and scripts/ensure-services.sh do)")
    finally:
        probe.close()
    candidates = list(range(2, 16))
    random.shuffle(candidates)
    for number in candidates:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number, socket_timeout=3)
        if client.dbsize() == 0:
            try:
                yield number
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.fail("no empty Redis database among 2..15 for the test")


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free ports on 127.0.0.1."""
    import socket

    from bot import launcher
    for _ in range(200):
        first = launcher.free_port()
        if first + count > 65000:
            continue
        socks = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports")
