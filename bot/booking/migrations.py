"""Schema creation and migration for the booking database.

Alembic is not part of this project's environment, so the schema is kept by a
small versioned runner: :data:`MIGRATIONS` is an ordered list of numbered
functions, each applied once, recorded in the ``schema_version`` table.

:func:`migrate` is idempotent and safe when several processes start at once
(the Rasa server, the action server and the launcher): it runs in a single
transaction holding a lock — ``BEGIN IMMEDIATE`` on SQLite, an advisory
transaction lock on PostgreSQL — and both databases have transactional DDL,
so a failed migration leaves the schema as it was.

To change the schema: add a function ``_m002_...(conn)`` that alters it and
append ``(2, "what it does", _m002_...)`` to :data:`MIGRATIONS`; never edit an
applied migration.  Migration table definitions are frozen copies, not the
ORM models, so later model changes cannot rewrite history.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, List, Tuple

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index,
                        Integer, MetaData, String, Table, Text, UniqueConstraint, inspect, text)
from sqlalchemy.engine import Connection, Engine

from .db import WRITE

_ADVISORY_LOCK_ID = 7_316_400_3  # any constant shared by all nest-bot processes


def _m001_initial(conn: Connection) -> None:
    md = MetaData()
    Table("professionals", md,
          Column("id", String(64), primary_key=True),
          Column("name", String(120), nullable=False),
          Column("role", JSON, nullable=False),
          Column("team", JSON, nullable=False),
          Column("languages", JSON, nullable=False),
          Column("areas", JSON, nullable=False),
          Column("active", Boolean, nullable=False),
          Column("updated_at", DateTime, nullable=False))
    Table("settings", md,
          Column("id", String(64), primary_key=True),
          Column("name", String(160), nullable=False),
          Column("type", String(20), nullable=False),
          Column("area", String(80), nullable=False),
          Column("aliases", JSON, nullable=False),
          Column("link_professional_id", String(64), ForeignKey("professionals.id"),
                 nullable=False),
          Column("active", Boolean, nullable=False),
          Column("updated_at", DateTime, nullable=False),
          CheckConstraint("type IN ('school', 'youth_service', 'early_years', 'college', "
                          "'other')", name="ck_settings_type"))
    Table("sessions", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("professional_id", String(64), ForeignKey("professionals.id"), nullable=False),
          Column("kind", String(16), nullable=False),
          Column("starts_at", DateTime, nullable=False),
          Column("length_minutes", Integer, nullable=False),
          Column("capacity", Integer, nullable=False),
          Column("booked_count", Integer, nullable=False),
          Column("mode", String(16), nullable=False),
          Column("status", String(16), nullable=False),
          Column("cancel_reason", Text),
          Column("cancelled_at", DateTime),
          Column("pattern_key", String(200), unique=True),
          Column("created_at", DateTime, nullable=False),
          CheckConstraint("capacity >= 1", name="ck_sessions_capacity"),
          CheckConstraint("booked_count >= 0 AND booked_count <= capacity",
                          name="ck_sessions_booked_count"),
          CheckConstraint("length_minutes > 0", name="ck_sessions_length"),
          CheckConstraint("kind IN ('consultation', 'drop_in')", name="ck_sessions_kind"),
          CheckConstraint("mode IN ('phone', 'video', 'in_person')", name="ck_sessions_mode"),
          CheckConstraint("status IN ('active', 'cancelled')", name="ck_sessions_status"),
          Index("ix_sessions_status_start", "status", "starts_at"),
          Index("ix_sessions_professional_start", "professional_id", "starts_at"))
    Table("bookings", md,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("reference", String(12), nullable=False, unique=True),
          Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False, index=True),
          Column("name", String(80), nullable=False),
          Column("role", String(80), nullable=False),
          Column("setting_name", String(160), nullable=False),
          Column("setting_id", String(64), ForeignKey("settings.id", ondelete="SET NULL")),
          Column("contact", String(254), nullable=False),
          Column("topic", String(200), nullable=False),
          Column("status", String(16), nullable=False),
          Column("cancelled_by", String(16)),
          Column("cancel_reason", Text),
          Column("conversation_id", String(255), nullable=False, index=True),
          Column("idempotency_key", String(255), nullable=False),
          Column("moved_to_id", Integer, ForeignKey("bookings.id", ondelete="SET NULL")),
          Column("created_at", DateTime, nullable=False),
          Column("updated_at", DateTime, nullable=False),
          Column("cancelled_at", DateTime),
          UniqueConstraint("conversation_id", "idempotency_key", name="uq_bookings_idempotency"),
          CheckConstraint("status IN ('booked', 'cancelled', 'moved')", name="ck_bookings_status"),
          CheckConstraint("cancelled_by IS NULL OR cancelled_by IN ('practitioner', 'service')",
                          name="ck_bookings_cancelled_by"))
    md.create_all(conn)


def _m002_drafts(conn: Connection) -> None:
    """Contact details typed during a booking conversation, kept server-side.

    The conversation store redacts contact details before it saves a turn,
    so the contact a practitioner types is held here until the booking is
    confirmed (then it moves into the booking) or the draft expires.
    """
    md = MetaData()
    Table("booking_drafts", md,
          Column("conversation_id", String(255), primary_key=True),
          Column("contact", String(254), nullable=False),
          Column("updated_at", DateTime, nullable=False))
    md.create_all(conn)


#: (version, description, function) in order; append, never edit.
MIGRATIONS: List[Tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema: professionals, settings, sessions, bookings", _m001_initial),
    (2, "booking drafts: contact details held until confirmation", _m002_drafts),
]

LATEST = MIGRATIONS[-1][0]

_VERSION_TABLE = Table(
    "schema_version", MetaData(),
    Column("version", Integer, primary_key=True),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)


def current_version(engine: Engine) -> int:
    """The applied schema version (0 for an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_version"):
            return 0
        return conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0


def migrate(engine: Engine) -> List[int]:
    """Bring the schema to the latest version; returns the versions applied.

    Raises :class:`RuntimeError` if the database is newer than this code.
    """
    applied: List[int] = []
    with engine.connect() as conn:
        conn = conn.execution_options(**WRITE)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
            _VERSION_TABLE.create(conn, checkfirst=True)
            have = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0
            if have > LATEST:
                raise RuntimeError(f"the booking database is at schema version {have}, newer "
                                   f"than this code knows ({LATEST}); upgrade nest-bot")
            for version, description, apply in MIGRATIONS:
                if version <= have:
                    continue
                apply(conn)
                conn.execute(_VERSION_TABLE.insert().values(
                    version=version, description=description,
                    applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
                applied.append(version)
    return applied
