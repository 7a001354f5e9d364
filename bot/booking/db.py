"""Engines and sessions for the booking database.

Nothing here runs at import time: the launcher, the action server, the admin
command and the tests each create their engine and pass a session factory to
:class:`bot.booking.service.BookingService`.

SQLite (the default, ``var/nest.db``) is set up for several processes and
threads: WAL journal, foreign keys on, a busy timeout, and — because pysqlite
otherwise starts transactions lazily and only ``DEFERRED`` — SQLAlchemy emits
the ``BEGIN`` itself.  Write transactions of the service begin with
``BEGIN IMMEDIATE`` (see :data:`WRITE`), so a writer queues for the
write lock at the start instead of failing half-way with ``SQLITE_BUSY`` when
it upgrades a read snapshot that another writer has made stale.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

ENV_URL = "NEST_DB_URL"
ENV_BUSY = "NEST_DB_BUSY_TIMEOUT_MS"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = REPO_ROOT / "var" / "nest.db"
DEFAULT_BUSY_TIMEOUT_MS = 15000

_BEGIN_OPTION = "nest_sqlite_begin"


def default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE}"


def create_engine_from_env(url: Optional[str] = None, **kwargs) -> Engine:
    """An engine for ``url``, else env ``NEST_DB_URL``, else ``var/nest.db``.

    For a SQLite file the folder is created.  Extra keyword arguments go to
    :func:`sqlalchemy.create_engine`.
    """
    url = url or os.environ.get(ENV_URL, "").strip() or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "future": True}
    options.update(kwargs)
    return create_engine(url, **options)


def _sqlite_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    busy_ms = int(os.environ.get(ENV_BUSY, DEFAULT_BUSY_TIMEOUT_MS))
    options = {"future": True,
               "connect_args": {"check_same_thread": False, "timeout": busy_ms / 1000}}
    if memory:
        options["poolclass"] = StaticPool
    else:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        options.update(poolclass=QueuePool, pool_size=5, max_overflow=30)
    options.update(kwargs)
    engine = create_engine(url, **options)
    configure_sqlite(engine, busy_ms=busy_ms, wal=not memory)
    return engine


def configure_sqlite(engine: Engine, *, busy_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
                     wal: bool = True) -> None:
    """Install the SQLite connection set-up on ``engine`` (once)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_nest_configured", False):
        return
    engine._nest_configured = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get(_BEGIN_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")


#: Execution options for a session that will write (``BEGIN IMMEDIATE`` on
#: SQLite, ignored elsewhere): ``session.connection(execution_options=WRITE)``.
WRITE = {_BEGIN_OPTION: "immediate"}


def make_session_factory(engine: Engine) -> sessionmaker:
    """A session factory bound to ``engine`` (2.0-style sessions)."""
    configure_sqlite(engine)
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
