"""Identifiers sent through the REST webhook never reach the tracker store.

Needs a trained model and both servers (marked slow, like tests/integration),
and endpoints.yml configuring the redacting tracker store on a SQLite file.
The database is read directly with sqlite3, not through Rasa.
"""
import sqlite3
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot import launcher


pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
IDENTIFIERS = ["sam.jones@example.org", "07700 900123", "03/04/2016", "CF24 3AA",
               "943 476 5919", "B801200005001"]


def _tracker_db(servers) -> Path:
    if servers.tracker_db is not None:      # the integration servers' own tracker store
        return servers.tracker_db
    config = YAML(typ="safe").load((REPO / "endpoints.yml").read_text()) or {}
    store = config.get("tracker_store") or {}
    assert store.get("type") == "bot.privacy.tracker_store.RedactingSQLTrackerStore", \
        "endpoints.yml must configure the redacting tracker store"
    assert store.get("dialect", "sqlite") == "sqlite"
    db = Path(store["db"])
    return db if db.is_absolute() else REPO / db        # the Rasa server runs in the repo


def test_privacy_identifiers_sent_over_rest_are_redacted_at_rest(chat, servers):
    chat("Can I talk to someone about a Year 4 pupil? DOB 03/04/2016, lives near CF24 3AA, "
         "NHS 943 476 5919, UPN B801200005001")
    chat("you can reach me on sam.jones@example.org or 07700 900123")

    with sqlite3.connect(_tracker_db(servers)) as conn:
        rows = conn.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                            (chat.sender,)).fetchall()
    user_rows = [data for kind, data in rows if kind == "user"]
    assert len(user_rows) == 2                       # both messages were stored ...
    stored = "\n".join(data for _, data in rows)
    for identifier in IDENTIFIERS:                   # ... without any identifier
        assert identifier not in stored
    for placeholder in ("[dob]", "[postcode]", "[nhs_number]", "[upn]", "[email]", "[phone]"):
        assert placeholder in stored

    log = launcher.VAR / "log" / f"{servers.name}-rasa-{servers.rasa_port}.log"
    if log.exists():
        text = log.read_text(errors="replace")
        assert all(identifier not in text for identifier in IDENTIFIERS)
