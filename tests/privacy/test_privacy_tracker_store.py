"""The redacting SQL tracker store: nothing identifying reaches the database.

Each test builds the store on a temporary SQLite file, saves trackers holding
identifiers, then reads the ``events`` table with plain ``sqlite3`` — not
through Rasa — to see exactly what is at rest.
"""
import logging
import sqlite3

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.privacy.logs import install_log_redaction, log_redaction_installed
from bot.privacy.tracker_store import (DELETE_ACTION, RedactingSQLTrackerStore,
                                       delete_conversation, stored_rows)

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [give_contact, delete_conversation]
slots:
  contact:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  topic:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
""")

IDENTIFIERS = ["sam.jones@example.org", "07700 900123", "029 2018 0123", "03/04/2015",
               "CF10 1AA", "943 476 5919", "B801200005001"]
PLACEHOLDERS = ["[email]", "[phone]", "[dob]", "[postcode]", "[nhs_number]", "[upn]"]

USER_TEXT = ("I'm Sam, sam.jones@example.org or 07700 900123. The pupil (DOB 03/04/2015, "
             "CF10 1AA, NHS 943 476 5919, UPN B801200005001) is very anxious")


def _events():
    return [
        ActionExecuted("action_listen"),
        UserUttered(USER_TEXT, intent={"name": "give_contact", "confidence": 0.98},
                    entities=[{"entity": "email", "value": "sam.jones@example.org",
                               "start": 9, "end": 30},
                              {"entity": "phone", "value": "07700 900123", "start": 34, "end": 46}]),
        SlotSet("contact", "sam.jones@example.org"),
        SlotSet("topic", "anxiety, DOB 03/04/2015"),
        ActionExecuted("booking_form"),
        BotUttered("Thanks Sam, we'll text 07700 900123 or call the office on 029 2018 0123.",
                   data={"buttons": [{"title": "Use sam.jones@example.org", "payload": "/affirm"}],
                         "custom": {"kind": "booking", "step": "confirm",
                                    "contact": "sam.jones@example.org"}}),
        ActionExecuted("action_listen"),
    ]


def _raw_rows(db_path):
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT sender_id, type_name, intent_name, action_name, data "
                            "FROM events ORDER BY id").fetchall()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "var" / "tracker.db"          # the folder does not exist yet


@pytest.fixture
def store(db_path):
    return RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db_path))


async def test_privacy_no_identifier_is_stored_but_placeholders_are(store, db_path):
    tracker = DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots)
    await store.save(tracker)

    rows = _raw_rows(db_path)
    assert len(rows) == len(_events())
    dump = "\n".join(" ".join(str(col) for col in row) for row in rows)
    for identifier in IDENTIFIERS:
        assert identifier not in dump
    for placeholder in PLACEHOLDERS:
        assert placeholder in dump
    # the structure Rasa needs is intact
    assert [row[1] for row in rows] == ["action", "user", "slot", "slot", "action", "bot", "action"]
    assert rows[1][2] == "give_contact" and rows[4][3] == "booking_form"


async def test_privacy_live_tracker_keeps_originals_for_the_current_turn(store):
    tracker = DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots)
    await store.save(tracker)
    assert tracker.get_slot("contact") == "sam.jones@example.org"
    assert tracker.latest_message.text == USER_TEXT


async def test_privacy_next_turn_sees_placeholders_not_contact_details(store):
    await store.save(DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots))
    again = await store.retrieve("conv-1")
    assert again.get_slot("contact") == "[email]"
    assert again.get_slot("topic") == "anxiety, DOB [dob]"
    assert "[nhs_number]" in again.latest_message.text
    assert again.latest_message.entities[0]["value"] == "[email]"
    bot = [e for e in again.events if isinstance(e, BotUttered)][0]
    assert bot.text == "Thanks Sam, we'll text [phone] or call the office on [phone]."
    assert bot.data["custom"]["contact"] == "[email]"


async def test_privacy_later_turns_are_appended_redacted(store, db_path):
    tracker = DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots)
    await store.save(tracker)
    tracker = await store.retrieve("conv-1")
    tracker.update(UserUttered("actually use 01632 960001", intent={"name": "give_contact"}))
    tracker.update(SlotSet("contact", "01632 960001"))
    await store.save(tracker)

    rows = _raw_rows(db_path)
    assert len(rows) == len(_events()) + 2            # nothing written twice
    assert "01632 960001" not in rows[-1][4] and "01632 960001" not in rows[-2][4]
    assert '"value": "[phone]"' in rows[-1][4]


async def test_privacy_store_is_created_from_endpoints_yml(tmp_path, db_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n"
        "  type: bot.privacy.tracker_store.RedactingSQLTrackerStore\n"
        "  dialect: sqlite\n"
        f"  db: {db_path}\n")
    store = create_tracker_store(read_endpoint_config(str(endpoints), "tracker_store"), DOMAIN)
    assert isinstance(store, RedactingSQLTrackerStore)   # not wrapped: it is async
    assert log_redaction_installed()                     # the Rasa process logs are covered
    await store.save(DialogueStateTracker.from_events("conv-9", _events(), slots=DOMAIN.slots))
    assert "07700 900123" not in "".join(row[4] for row in _raw_rows(db_path))


async def test_privacy_event_broker_receives_redacted_events(db_path):
    published = []

    class Broker:
        def publish(self, event):
            published.append(event)

    store = RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db_path),
                                     event_broker=Broker())
    await store.save(DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots))
    assert len(published) == len(_events())
    text = repr(published)
    assert all(identifier not in text for identifier in IDENTIFIERS)
    assert published[1]["sender_id"] == "conv-1" and "[email]" in published[1]["text"]


# ------------------------------------------------------------ deleting
async def test_privacy_delete_conversation_removes_only_that_conversation(store, db_path):
    await store.save(DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots))
    await store.save(DialogueStateTracker.from_events("conv-2", _events(), slots=DOMAIN.slots))

    assert delete_conversation(store, "conv-1") == len(_events())
    assert {row[0] for row in _raw_rows(db_path)} == {"conv-2"}
    assert await store.retrieve("conv-1") is None
    assert delete_conversation(store, "conv-1") == 0              # nothing left to delete


async def test_privacy_delete_conversation_through_wrappers_and_urls(store, db_path):
    for sender in ("a", "b"):
        await store.save(DialogueStateTracker.from_events(sender, _events(), slots=DOMAIN.slots))
    assert delete_conversation(FailSafeTrackerStore(store), "a") == len(_events())
    assert delete_conversation(f"sqlite:///{db_path}", "b") == len(_events())
    assert _raw_rows(db_path) == []
    assert stored_rows(f"sqlite:///{db_path}") == []


async def test_privacy_delete_conversation_in_memory_store():
    memory = InMemoryTrackerStore(DOMAIN)
    await memory.save(DialogueStateTracker.from_events("m", _events(), slots=DOMAIN.slots))
    assert delete_conversation(memory, "m") == len(_events())
    assert await memory.retrieve("m") is None


async def test_privacy_delete_action_in_the_chat_survives_the_end_of_turn_save(store, db_path):
    """"Delete my conversation": the action runs in the action server, then the
    Rasa server saves its in-memory tracker.  The store must not write the old
    turns back."""
    tracker = DialogueStateTracker.from_events("conv-1", _events(), slots=DOMAIN.slots)
    await store.save(tracker)
    await store.save(DialogueStateTracker.from_events("conv-2", _events(), slots=DOMAIN.slots))

    tracker = await store.retrieve("conv-1")
    tracker.update(UserUttered("delete my conversation", intent={"name": "delete_conversation"}))
    tracker.update(ActionExecuted(DELETE_ACTION))
    tracker.update(BotUttered("Done: I have deleted this conversation. Bookings stay until "
                              "their retention period ends."))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    await store.save(tracker)                                   # saving twice is harmless

    rows = [row for row in _raw_rows(db_path) if row[0] == "conv-1"]
    assert [row[1] for row in rows] == ["bot", "action"]
    assert "delete my conversation" not in repr(rows) and "Sam" not in repr(rows)
    assert len([row for row in _raw_rows(db_path) if row[0] == "conv-2"]) == len(_events())

    later = await store.retrieve("conv-1")                       # the next turn starts afresh
    assert later.get_slot("contact") is None
    later.update(UserUttered("hello again", intent={"name": "give_contact"}))
    await store.save(later)
    assert [row[1] for row in _raw_rows(db_path) if row[0] == "conv-1"] == ["bot", "action", "user"]


# ------------------------------------------------------------ logs
def test_privacy_log_records_are_redacted_with_args_and_tracebacks():
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record) + " " + str(getattr(record, "request", "")))

    log = logging.getLogger("tests.privacy.example")
    handler = Keep()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        install_log_redaction()
        install_log_redaction()                                   # idempotent
        log.info("user said %r", "call 07700 900123 or sam@example.org")
        log.warning("slots: %(slots)s", {"slots": {"contact": "943 476 5919"}})
        log.info(f"f-string with CF10 1AA and DOB 03/04/2015")
        log.info("request %s", "POST", extra={"request": "/webhook?email=sam@example.org"})
        try:
            raise ValueError("bad contact sam@example.org")
        except ValueError:
            log.exception("failed for %s", "07700 900123")
    finally:
        log.removeHandler(handler)

    text = "\n".join(records)
    assert "user said 'call [phone] or [email]'" in text
    assert "{'contact': '[nhs_number]'}" in text
    assert "f-string with [postcode] and DOB [dob]" in text
    assert "ValueError: bad contact [email]" in text               # the traceback too
    assert "/webhook?email=[email]" in text                        # and extra= fields
    assert all(identifier not in text for identifier in
               ("07700 900123", "sam@example.org", "943 476 5919", "CF10 1AA", "03/04/2015"))


def test_entity_values_cut_out_of_an_identifier_are_redacted_by_position():
    from bot.privacy.tracker_store import redact_event_dict
    text = "pupil DOB 03/04/2016, NHS 943 476 5919"
    event = {"event": "user", "text": text, "parse_data": {"text": text, "entities": [
        {"entity": "age_group", "start": 10, "end": 20, "value": "03/04/2016"},
        {"entity": "age_group", "start": 26, "end": 29, "value": "943"},
        {"entity": "age_group", "start": 0, "end": 5, "value": "pupil"}]}}
    stored = redact_event_dict(event)
    values = [e["value"] for e in stored["parse_data"]["entities"]]
    assert values == ["[dob]", "[nhs_number]", "pupil"]
    assert "03/04/2016" not in str(stored) and "943" not in str(stored)
