"""Retention: conversations and bookings past their period are deleted (NEST_NOW)."""
import sqlite3
from datetime import datetime, timedelta

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clock import LONDON
from bot.privacy.retention import (RetentionError, apply_retention, describe, main,
                                   policy_from_env, purge_conversations)
from bot.privacy.tracker_store import RedactingSQLTrackerStore

NOW = "2026-03-29T00:30:00+00:00"          # the night the clocks go forward
NOW_DT = datetime.fromisoformat(NOW)


def _conversation(sender, *days_ago):
    """A conversation with one user turn per age (in days before NOW)."""
    events = []
    for age in days_ago:
        at = (NOW_DT - timedelta(days=age)).timestamp()
        events += [ActionExecuted("action_listen", timestamp=at),
                   UserUttered("what is co-regulation?", intent={"name": "ask"}, timestamp=at),
                   BotUttered("Co-regulation is ...", timestamp=at + 1)]
    return DialogueStateTracker.from_events(sender, events, slots=[])


@pytest.fixture
def tracker_db(tmp_path):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))
    return store, path


def _senders(path):
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT DISTINCT sender_id FROM events")}


class FakeBookings:
    def __init__(self, deleted=3):
        self.calls = []
        self.deleted = deleted

    def purge_bookings(self, older_than):
        self.calls.append(older_than)
        return self.deleted


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.setenv("NEST_NOW", NOW)
    monkeypatch.delenv("NEST_RETENTION_CONVERSATION_DAYS", raising=False)
    monkeypatch.delenv("NEST_RETENTION_BOOKING_DAYS", raising=False)


async def test_privacy_old_conversations_go_recent_and_mixed_ones_stay_whole(tracker_db):
    store, path = tracker_db
    await store.save(_conversation("old", 45, 40))
    await store.save(_conversation("just-old", 30.01))
    await store.save(_conversation("recent", 2))
    await store.save(_conversation("mixed", 60, 29))        # came back within the month

    report = apply_retention(f"sqlite:///{path}", booking_service=None)

    assert report["conversations_deleted"] == 2
    assert report["events_deleted"] == 9
    assert _senders(path) == {"recent", "mixed"}
    with sqlite3.connect(path) as conn:                     # "mixed" keeps its old turn too
        assert conn.execute("SELECT COUNT(*) FROM events WHERE sender_id='mixed'").fetchone()[0] == 6


async def test_privacy_defaults_and_cutoffs_follow_nest_now(tracker_db):
    store, path = tracker_db
    bookings = FakeBookings()
    report = apply_retention(str(path), booking_service=bookings)   # a plain file path works

    now = NOW_DT.astimezone(LONDON)
    assert report["conversation_days"] == 30 and report["booking_days"] == 90
    assert report["now"] == now.isoformat()
    assert bookings.calls == [now - timedelta(days=90)]
    assert report["bookings_deleted"] == 3
    assert report["conversations_deleted"] == 0
    assert describe(report) == ("Retention: 0 conversation(s) older than 30 days deleted (0 events); "
                                "3 booking(s) whose session ended more than 90 days ago deleted")


async def test_privacy_periods_come_from_the_environment(tracker_db, monkeypatch):
    store, path = tracker_db
    await store.save(_conversation("ten-days", 10))
    await store.save(_conversation("two-days", 2))
    monkeypatch.setenv("NEST_RETENTION_CONVERSATION_DAYS", "7")
    monkeypatch.setenv("NEST_RETENTION_BOOKING_DAYS", "0")
    bookings = FakeBookings(deleted=0)

    report = apply_retention(f"sqlite:///{path}", booking_service=bookings)

    assert report["conversations_deleted"] == 1
    assert _senders(path) == {"two-days"}
    assert bookings.calls == [NOW_DT.astimezone(LONDON)]    # 0 days: as soon as it ended


async def test_privacy_moving_the_clock_on_expires_a_conversation(tracker_db, monkeypatch):
    store, path = tracker_db
    await store.save(_conversation("c", 20))
    assert apply_retention(path)["conversations_deleted"] == 0
    monkeypatch.setenv("NEST_NOW", (NOW_DT + timedelta(days=11)).isoformat())
    assert apply_retention(path)["conversations_deleted"] == 1
    assert _senders(path) == set()


async def test_privacy_purge_conversations_boundary_is_strict(tracker_db):
    store, path = tracker_db
    await store.save(_conversation("c", 10))
    latest = NOW_DT - timedelta(days=10) + timedelta(seconds=1)     # the bot's reply
    assert purge_conversations(f"sqlite:///{path}", latest) == 0    # exactly at the cut-off: kept
    assert purge_conversations(f"sqlite:///{path}", latest + timedelta(seconds=1)) == 1


@pytest.mark.parametrize("name, value", [
    ("NEST_RETENTION_CONVERSATION_DAYS", "thirty"),
    ("NEST_RETENTION_CONVERSATION_DAYS", "0"),
    ("NEST_RETENTION_BOOKING_DAYS", "-1"),
    ("NEST_RETENTION_BOOKING_DAYS", "2.5"),
])
def test_privacy_bad_retention_settings_are_refused_with_the_variable_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(RetentionError, match=name):
        policy_from_env()


def test_privacy_missing_tracker_database_is_not_created(tmp_path):
    path = tmp_path / "nowhere" / "tracker.db"
    report = apply_retention(f"sqlite:///{path}")
    assert report["conversations_deleted"] == 0 and report["bookings_deleted"] is None
    assert not path.exists()


async def test_privacy_admin_command_reports_counts(tracker_db, capsys):
    store, path = tracker_db
    await store.save(_conversation("old", 31))
    assert main(["--tracker-db", str(path)]) == 0
    assert "1 conversation(s) older than 30 days deleted (3 events)" in capsys.readouterr().out
    assert _senders(path) == set()
