"""Retention of conversations and bookings (issue 6, item 2).

Defaults (override with environment variables, whole days):

* ``NEST_RETENTION_CONVERSATION_DAYS`` = **30**: a conversation's stored
  events (already redacted) are deleted 30 days after its *latest* event.
  A month lets a practitioner pick a conversation up again after a half-term
  break and lets an operator look into a reported problem (for example a
  safeguarding answer that seemed wrong) while it is fresh; nothing in a
  conversation is needed after that — analytics keep counts, never text.
* ``NEST_RETENTION_BOOKING_DAYS`` = **90**: a booking is deleted 90 days after
  its session *ended*.  Cancelled and past bookings stay for a term (about
  three months) so a link professional can follow up, a no-show or complaint
  can be looked into, and a region can count how its sessions were used; the
  practitioner's name and contact are not needed longer than that.

``apply_retention`` enforces both and reports counts; the launcher runs it at
start-up (``make run``) and the admin command runs it on demand::

    python -m bot.privacy.retention --tracker-db var/tracker.db
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot import clock

ENV_CONVERSATION_DAYS = "NEST_RETENTION_CONVERSATION_DAYS"
ENV_BOOKING_DAYS = "NEST_RETENTION_BOOKING_DAYS"
DEFAULT_CONVERSATION_DAYS = 30
DEFAULT_BOOKING_DAYS = 90
EVENTS_TABLE = "events"          # Rasa's SQLTrackerStore table
ENV_POSTGRESQL_SCHEMA = "POSTGRESQL_SCHEMA"   # honoured as Rasa does


class RetentionError(ValueError):
    """A retention setting is not a valid number of days."""


@dataclass(frozen=True)
class RetentionPolicy:
    conversation_days: int = DEFAULT_CONVERSATION_DAYS
    booking_days: int = DEFAULT_BOOKING_DAYS

    def conversation_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.conversation_days)

    def booking_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.booking_days)


def _days(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RetentionError(f"{name}={raw!r} must be a whole number of days") from None
    if value < minimum:
        raise RetentionError(f"{name}={raw!r} must be at least {minimum} day(s)")
    return value


def policy_from_env() -> RetentionPolicy:
    """The retention periods from the environment (defaults 30 and 90 days).

    Conversations must be kept at least a day (a purge must never cut into a
    conversation in progress); bookings may be deleted as soon as their
    session has ended (0 days).
    """
    return RetentionPolicy(
        conversation_days=_days(ENV_CONVERSATION_DAYS, DEFAULT_CONVERSATION_DAYS, 1),
        booking_days=_days(ENV_BOOKING_DAYS, DEFAULT_BOOKING_DAYS, 0),
    )


def tracker_url(value: Union[str, Engine]) -> Union[str, Engine]:
    """An engine or URL as given; a bare file path becomes a SQLite URL."""
    if isinstance(value, Engine):
        return value
    text = str(value)
    return text if "://" in text else f"sqlite:///{text}"


def _engine(engine_or_url: Union[str, Engine]) -> Tuple[Engine, bool]:
    """The engine, and whether we created it (and so must dispose of it)."""
    value = tracker_url(engine_or_url)
    if isinstance(value, Engine):
        return value, False
    return sa.create_engine(value), True


def _missing_sqlite_file(engine_or_url: Union[str, Engine]) -> bool:
    """A SQLite URL whose file does not exist yet: nothing stored, nothing to create."""
    value = tracker_url(engine_or_url)
    if isinstance(value, Engine):
        return False
    url = make_url(value)
    database = url.database or ""
    return (url.get_backend_name() == "sqlite" and database not in ("", ":memory:")
            and not database.startswith("file:") and not os.path.exists(database))


def _events_table(engine: Engine) -> sa.sql.TableClause:
    schema = None
    if engine.dialect.name == "postgresql":
        schema = os.environ.get(ENV_POSTGRESQL_SCHEMA) or None
    return sa.table(EVENTS_TABLE, sa.column("sender_id"), sa.column("timestamp"), schema=schema)


def _purge(engine_or_url: Union[str, Engine], older_than: datetime) -> Tuple[int, int]:
    if older_than.tzinfo is None:
        raise ValueError("older_than must be timezone-aware")
    cutoff = older_than.timestamp()          # Rasa stores UNIX-epoch seconds
    if _missing_sqlite_file(engine_or_url):
        return 0, 0
    engine, owned = _engine(engine_or_url)
    try:
        events = _events_table(engine)
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table(EVENTS_TABLE, schema=events.schema):
                return 0, 0
            stale = (sa.select(events.c.sender_id)
                     .group_by(events.c.sender_id)
                     .having(sa.func.max(events.c.timestamp) < cutoff))
            conversations = conn.execute(
                sa.select(sa.func.count()).select_from(stale.subquery())).scalar() or 0
            if not conversations:
                return 0, 0
            result = conn.execute(sa.delete(events).where(events.c.sender_id.in_(stale)))
            return int(conversations), int(result.rowcount or 0)
    finally:
        if owned:
            engine.dispose()


def purge_conversations(engine_or_url: Union[str, Engine], older_than: datetime) -> int:
    """Delete every conversation whose latest stored event is before ``older_than``.

    ``engine_or_url`` is the tracker store's database (engine, URL, or a
    SQLite file path).  Returns the number of conversations deleted.  A
    conversation with any event on or after the cut-off is kept whole.
    """
    return _purge(engine_or_url, older_than)[0]


def _purge_bookings(booking_service: Any, older_than: datetime) -> Dict[str, Any]:
    result = booking_service.purge_bookings(older_than)
    if isinstance(result, dict):
        return {f"bookings_{k}" if not str(k).startswith("bookings") else k: v
                for k, v in result.items()}
    return {"bookings_deleted": int(result or 0)}


def apply_retention(tracker_db_url: Union[str, Engine, None], booking_service: Any = None,
                    now: Optional[datetime] = None,
                    policy: Optional[RetentionPolicy] = None) -> Dict[str, Any]:
    """Enforce both retention periods; a report of what was deleted.

    ``now`` defaults to :func:`bot.clock.now` (``NEST_NOW``); ``policy`` to
    :func:`policy_from_env`.  ``booking_service`` is anything with
    ``purge_bookings(older_than) -> int`` (the booking service); without it
    bookings are left alone and reported as ``None``.
    """
    policy = policy or policy_from_env()
    now = now or clock.now()
    conversation_cutoff = policy.conversation_cutoff(now)
    booking_cutoff = policy.booking_cutoff(now)
    report: Dict[str, Any] = {
        "now": now.isoformat(),
        "conversation_days": policy.conversation_days,
        "booking_days": policy.booking_days,
        "conversation_cutoff": conversation_cutoff.isoformat(),
        "booking_cutoff": booking_cutoff.isoformat(),
        "conversations_deleted": None,
        "events_deleted": None,
        "bookings_deleted": None,
    }
    if tracker_db_url is not None:
        conversations, events = _purge(tracker_db_url, conversation_cutoff)
        report["conversations_deleted"] = conversations
        report["events_deleted"] = events
    if booking_service is not None:
        report.update(_purge_bookings(booking_service, booking_cutoff))
    return report


def describe(report: Dict[str, Any]) -> str:
    """One plain line for the launcher and the admin command."""
    parts = []
    if report.get("conversations_deleted") is not None:
        parts.append(f"{report['conversations_deleted']} conversation(s) older than "
                     f"{report['conversation_days']} days deleted "
                     f"({report['events_deleted']} events)")
    if report.get("bookings_deleted") is not None:
        parts.append(f"{report['bookings_deleted']} booking(s) whose session ended more than "
                     f"{report['booking_days']} days ago deleted")
    return "Retention: " + ("; ".join(parts) if parts else "nothing configured to purge")


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.privacy.retention",
        description="Delete conversations and bookings past their retention period.")
    parser.add_argument("--tracker-db", default=os.environ.get("NEST_TRACKER_DB_URL", "var/tracker.db"),
                        help="tracker store database: URL or SQLite file (default var/tracker.db)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = apply_retention(args.tracker_db)
    except RetentionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else describe(report))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
