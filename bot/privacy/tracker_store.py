"""A Rasa 3.6 SQL tracker store that never writes identifiers (issue 6, item 1).

Configure it in ``endpoints.yml``::

    tracker_store:
      type: bot.privacy.tracker_store.RedactingSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db

(or ``dialect: postgresql`` with ``url``/``port``/``username``/``password``/``db``
exactly as for Rasa's ``type: SQL`` store).

What it does, at the persistence boundary so no input channel can bypass it:

* every event is serialised as Rasa's :class:`SQLTrackerStore` would, then
  every string in it — user text, ``parse_data`` text and entity values, slot
  values, bot texts, buttons and custom payloads, metadata — is passed through
  :func:`bot.privacy.redact.redact` before the row is written.  Only the
  structural keys (event type, action/slot/loop name, timestamp, ids) are left
  alone.  The live tracker of the current turn is untouched, so actions still
  see the original text within that turn; from the next turn on, a slot that
  held an e-mail address holds ``[email]``.
* events published to an event broker are redacted the same way.
* "delete my conversation": when the tracker being saved contains an
  ``ActionExecuted`` of ``action_delete_conversation`` (configurable with the
  ``delete_actions`` endpoint option), every stored event of that conversation
  is deleted and only the events *after* that action (the bot's confirmation,
  the next ``action_listen``) are kept.  Doing it here rather than in the
  action server matters: the Rasa server saves its in-memory tracker at the
  end of the turn, which would otherwise write the whole conversation back.
* creating the store also installs the log redaction of
  :mod:`bot.privacy.logs` in the Rasa server process.

:func:`delete_conversation` deletes a conversation directly (admin command,
tests); :func:`stored_rows` reads raw rows back for audits.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Text, Union

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.privacy.logs import install_log_redaction
from bot.privacy.redact import find_identifiers, redact_obj

logger = logging.getLogger(__name__)

DELETE_ACTION = "action_delete_conversation"
EVENTS_TABLE = SQLTrackerStore.SQLEvent.__tablename__

# Top-level keys of a serialised event that hold names and ids, never user text.
_STRUCTURAL_KEYS = frozenset({
    "event", "timestamp", "name", "policy", "confidence", "message_id", "input_channel",
    "hide_rule_turn",
})


def _redact_entities_by_position(data: Dict[str, Any]) -> Dict[str, Any]:
    """Entity values cut out of an identifier lose the words that marked it.

    "DOB 03/04/2016" is a date of birth, but an entity whose value is just
    "03/04/2016" no longer says so; any entity overlapping an identifier found
    in the whole message is replaced by that identifier's placeholder.
    """
    parse = data.get("parse_data")
    if not isinstance(parse, dict) or not isinstance(parse.get("text"), str):
        return data
    spans = [(i.start, i.end, i.kind) for i in find_identifiers(parse["text"])]
    entities = parse.get("entities")
    if not spans or not isinstance(entities, list):
        return data
    fixed = []
    for entity in entities:
        if isinstance(entity, dict) and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
            hit = next((kind for start, end, kind in spans
                        if entity["start"] < end and start < entity["end"]), None)
            if hit is not None:
                entity = dict(entity, value=f"[{hit}]")
        fixed.append(entity)
    return dict(data, parse_data=dict(parse, entities=fixed))


def redact_event_dict(data: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a serialised Rasa event with every user-visible string redacted."""
    data = _redact_entities_by_position(data)
    return {key: value if key in _STRUCTURAL_KEYS else redact_obj(value)
            for key, value in data.items()}


def _make_sqlite_folder(options: Dict[str, Any]) -> None:
    """SQLite does not create folders: make the one ``db: var/tracker.db`` needs."""
    dialect = str(options.get("dialect") or "sqlite")
    db = options.get("db")
    if dialect.startswith("sqlite") and isinstance(db, str) and db and db != ":memory:":
        Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _is_delete_marker(event: Event, actions: Sequence[str]) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name in actions


class RedactingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` that redacts identifiers before writing events."""

    def __init__(self, *args: Any, delete_actions: Union[str, Iterable[str], None] = None,
                 **kwargs: Any) -> None:
        install_log_redaction()
        _make_sqlite_folder(kwargs)
        super().__init__(*args, **kwargs)
        if delete_actions is None:
            delete_actions = (DELETE_ACTION,)
        elif isinstance(delete_actions, str):
            delete_actions = (delete_actions,)
        self.delete_actions = tuple(delete_actions)

    # -- writing -----------------------------------------------------------
    def _row(self, sender_id: Text, event: Event) -> "SQLTrackerStore.SQLEvent":
        data = event.as_dict()
        intent = (data.get("parse_data") or {}).get("intent", {}) or {}
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=intent.get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(redact_event_dict(data)),
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Write the tracker's new events, redacted (see the module docstring)."""
        await self.stream_events(tracker)
        events: List[Event] = list(tracker.events)
        marker = None
        for index in range(len(events) - 1, -1, -1):
            if _is_delete_marker(events[index], self.delete_actions):
                marker = index
                break

        with self.session_scope() as session:
            if marker is not None:
                # The whole stored conversation goes; only what follows the
                # deletion is kept.  Idempotent if the tracker is saved again.
                deleted = (session.query(self.SQLEvent)
                           .filter(self.SQLEvent.sender_id == tracker.sender_id)
                           .delete(synchronize_session=False))
                new_events: Iterable[Event] = events[marker + 1:]
                logger.info("Deleted %d stored events of a conversation on request", deleted)
            else:
                new_events = self._additional_events(session, tracker)
            for event in new_events:
                session.add(self._row(tracker.sender_id, event))
            session.commit()
        logger.debug("Tracker stored to database (redacted)")

    async def _stream_new_events(self, event_broker: Any, new_events: List[Event],
                                 sender_id: Text) -> None:
        for event in new_events:
            body = {"sender_id": sender_id}
            body.update(redact_event_dict(event.as_dict()))
            event_broker.publish(body)

    # -- deleting ----------------------------------------------------------
    def delete(self, sender_id: Text) -> int:
        """Delete every stored event of ``sender_id``; the number of rows deleted."""
        with self.session_scope() as session:
            deleted = (session.query(self.SQLEvent)
                       .filter(self.SQLEvent.sender_id == sender_id)
                       .delete(synchronize_session=False))
            session.commit()
        return int(deleted or 0)


def _unwrap(store: Any) -> Any:
    """The real store inside Rasa's FailSafe/Awaitable wrappers."""
    seen = set()
    while isinstance(store, TrackerStore) and id(store) not in seen:
        seen.add(id(store))
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            break
        store = inner
    return store


def _events_table() -> sa.sql.TableClause:
    return sa.table(EVENTS_TABLE, sa.column("id"), sa.column("sender_id"),
                    sa.column("type_name"), sa.column("timestamp"), sa.column("data"))


def _engine(engine_or_url: Union[str, "sa.engine.Engine"]) -> "sa.engine.Engine":
    if isinstance(engine_or_url, sa.engine.Engine):
        return engine_or_url
    return sa.create_engine(str(engine_or_url))


def delete_conversation(store: Any, sender_id: Text) -> int:
    """Delete the stored events of one conversation; the number deleted.

    ``store`` is a tracker store (Rasa's wrappers are unwrapped; SQL and
    in-memory stores are supported), a SQLAlchemy engine, or a database URL
    such as ``sqlite:///var/tracker.db``.  Bookings are not touched: they are
    kept until their own retention period ends.
    """
    store = _unwrap(store)
    if isinstance(store, RedactingSQLTrackerStore):
        return store.delete(sender_id)
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            deleted = (session.query(store.SQLEvent)
                       .filter(store.SQLEvent.sender_id == sender_id)
                       .delete(synchronize_session=False))
            session.commit()
        return int(deleted or 0)
    if isinstance(store, InMemoryTrackerStore):
        serialised = store.store.pop(sender_id, None)
        if serialised is None:
            return 0
        try:
            return len(json.loads(serialised).get("events", []))
        except (ValueError, AttributeError):
            return 1
    if isinstance(store, (str, sa.engine.Engine)) or hasattr(store, "drivername"):
        engine = _engine(store)
        events = _events_table()
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table(EVENTS_TABLE):
                return 0
            result = conn.execute(sa.delete(events).where(events.c.sender_id == sender_id))
            return int(result.rowcount or 0)
    raise TypeError(f"cannot delete conversations from a {type(store).__name__}")


def stored_rows(engine_or_url: Union[str, "sa.engine.Engine"],
                sender_id: Optional[Text] = None) -> List[Dict[str, Any]]:
    """The raw stored event rows (for audits and tests), oldest first."""
    engine = _engine(engine_or_url)
    events = _events_table()
    query = sa.select(events.c.id, events.c.sender_id, events.c.type_name,
                      events.c.timestamp, events.c.data).order_by(events.c.id)
    if sender_id is not None:
        query = query.where(events.c.sender_id == sender_id)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(EVENTS_TABLE):
            return []
        return [dict(row._mapping) for row in conn.execute(query)]


__all__ = ["RedactingSQLTrackerStore", "delete_conversation", "redact_event_dict",
           "stored_rows", "install_log_redaction", "DELETE_ACTION"]
