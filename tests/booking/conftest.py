"""Fixtures for the booking tests: a fixed clock and a database backend.

``backend`` runs a test on a fresh SQLite file and, marked ``postgres``, on
the PostgreSQL server at ``NEST_TEST_PG_URL`` (default
``postgresql+psycopg2://postgres@127.0.0.1:5432/test``) inside a schema made
for this test run and dropped afterwards.  If PostgreSQL cannot be reached
the postgres tests FAIL (they are not skipped) with a message saying so.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from bot.booking import BookingService, create_engine_from_env, make_session_factory, migrate
from bot.booking.models import ConsultationSession, Professional, Setting
from bot.clock import LONDON

PG_URL = os.environ.get("NEST_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


class FixedClock:
    """A clock for the service that only moves when told to."""

    def __init__(self, iso: str):
        self.moment = datetime.fromisoformat(iso).astimezone(LONDON)

    def __call__(self) -> datetime:
        return self.moment

    def set(self, iso: str) -> None:
        self.moment = datetime.fromisoformat(iso).astimezone(LONDON)

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


def local(iso: str) -> datetime:
    """A Europe/London wall time, e.g. ``local("2026-10-27 16:00")``."""
    return datetime.fromisoformat(iso).replace(tzinfo=LONDON)


class Backend:
    def __init__(self, name: str, make_engine):
        self.name = name
        self._make_engine = make_engine
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            self._engine = self._make_engine()
        return self._engine

    @property
    def factory(self):
        return make_session_factory(self.engine)

    def service(self, clock, lead_time=timedelta(hours=2)) -> BookingService:
        return BookingService(self.factory, clock=clock, lead_time=lead_time)

    def add_professional(self, pid="ffion-evans", name="Ffion Evans",
                         role="CAMHS in-reach practitioner", areas=("Swansea West",),
                         active=True) -> str:
        with self.factory() as db:
            db.add(Professional(id=pid, name=name, role={"en": role}, team={"en": "CAMHS"},
                                languages=["en", "cy"], areas=list(areas), active=active))
            db.commit()
        return pid

    def add_setting(self, sid, name, area, link, aliases=()) -> str:
        with self.factory() as db:
            db.add(Setting(id=sid, name=name, type="school", area=area, aliases=list(aliases),
                           link_professional_id=link, active=True))
            db.commit()
        return sid

    def add_session(self, start: datetime, *, professional="ffion-evans", kind="consultation",
                    capacity=1, length=45, mode="video") -> int:
        with self.factory() as db:
            row = ConsultationSession(professional_id=professional, kind=kind, starts_at=start,
                                      length_minutes=length, capacity=capacity, booked_count=0,
                                      mode=mode, status="active")
            db.add(row)
            db.commit()
            return row.id

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()


@pytest.fixture(scope="session")
def _pg_schema():
    """(engine, None) on a fresh schema, or (None, why PostgreSQL is unusable)."""
    admin = create_engine(PG_URL, future=True)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        admin.dispose()
        yield None, (f"PostgreSQL is not reachable at {PG_URL} "
                     f"({exc.__class__.__name__}: {str(exc).strip().splitlines()[0]}). "
                     f"Start the server (.ci/run does) or point NEST_TEST_PG_URL at one.")
        return
    schema = f"nest_booking_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine_from_env(PG_URL, connect_args={"options": f"-csearch_path={schema}"},
                                    pool_size=25, max_overflow=10)
    try:
        migrate(engine)
        yield engine, None
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path):
    if request.param == "sqlite":
        def make():
            engine = create_engine_from_env(f"sqlite:///{tmp_path / 'nest.db'}")
            migrate(engine)
            return engine
        b = Backend("sqlite", make)
        yield b
        if b._engine is not None:
            b._engine.dispose()
        return

    engine, problem = request.getfixturevalue("_pg_schema")

    def make_pg():
        if problem:
            pytest.fail(problem, pytrace=False)
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE bookings, sessions, settings, professionals "
                              "RESTART IDENTITY CASCADE"))
        return engine
    yield Backend("postgres", make_pg)


@pytest.fixture
def sqlite_backend(tmp_path):
    def make():
        engine = create_engine_from_env(f"sqlite:///{tmp_path / 'nest.db'}")
        migrate(engine)
        return engine
    b = Backend("sqlite", make)
    yield b
    if b._engine is not None:
        b._engine.dispose()


@pytest.fixture
def clock():
    # Monday 19 October 2026, 09:00 BST; British Summer Time ends on Sunday 25 October.
    return FixedClock("2026-10-19T09:00:00+01:00")


DETAILS = dict(name="Jane Smith", role="Year 4 teacher", setting="Ysgol Gynradd Pen-y-Bryn",
               contact="jane.smith@example.org",
               topic="Supporting a pupil who is anxious about moving to secondary school")


def details(**overrides) -> dict:
    out = dict(DETAILS)
    out.update(overrides)
    return out
