"""The redacting store, retention and deletion on PostgreSQL (production's database).

Uses the server at ``NEST_TEST_PG_URL`` (default
``postgresql+psycopg2://postgres@127.0.0.1:5432/test``) inside a schema made
for the test and dropped afterwards.  If it cannot be reached the test fails
with a message saying so (.ci/run starts the server).
"""
import os
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.privacy.retention import apply_retention
from bot.privacy.tracker_store import RedactingSQLTrackerStore, delete_conversation

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("NEST_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
NOW = datetime.fromisoformat("2026-03-29T00:30:00+00:00")
DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  contact: {type: text, influence_conversation: false, mappings: [{type: custom}]}
""")


@pytest.fixture
def pg_url():
    admin = sa.create_engine(PG_URL)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} ({exc.__class__.__name__}); "
                    f"start it (.ci/run does) or point NEST_TEST_PG_URL at one.")
    schema = f"nest_privacy_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _tracker(sender, days_ago):
    at = (NOW - timedelta(days=days_ago)).timestamp()
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("call 07700 900123 or sam@example.org, NHS 943 476 5919",
                    intent={"name": "inform"}, timestamp=at),
        SlotSet("contact", "sam@example.org", timestamp=at),
        BotUttered("Thanks, we'll call 07700 900123", timestamp=at + 1),
    ], slots=DOMAIN.slots)


async def test_privacy_postgres_store_redacts_purges_and_deletes(pg_url, monkeypatch):
    monkeypatch.setenv("NEST_NOW", NOW.isoformat())
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=str(pg_url))
    try:
        for sender, age in (("old", 45), ("recent", 3), ("other", 1)):
            await store.save(_tracker(sender, age))
        engine = store.engine
        with engine.connect() as conn:
            stored = "\n".join(r[0] for r in conn.execute(sa.text("SELECT data FROM events")))
        assert "07700 900123" not in stored and "sam@example.org" not in stored
        assert "943 476 5919" not in stored
        assert stored.count("[phone]") == 9          # user text, parse_data text, bot text and '"value": "[email]"' in stored

        report = apply_retention(engine)
        assert (report["conversations_deleted"], report["events_deleted"]) == (1, 4)

        assert delete_conversation(store, "recent") == 4
        with engine.connect() as conn:
            senders = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
        assert senders == {"other"}
    finally:
        store.engine.dispose()
