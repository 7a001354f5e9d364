"""Production set-up end to end: two Rasa servers and two action servers behind
nginx, sharing one PostgreSQL database (tracker store and bookings) and a Redis
lock store, all configured by environment variables exactly as in production.

One conversation books a consultation with its turns sent alternately to each
Rasa server; one server is killed in the middle (a turn then goes through
nginx, which must route it to the other) and started again; the booking is
then confirmed and listed on the other server, and the conversation is read
back through the token-protected HTTP API.  The logs must be JSON and hold
none of what the practitioner typed.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import launcher
from bot.deploy.production import Production, prepare
from bot.deploy.settings import Settings
from tests.production.conftest import FIXED_NOW, free_port_run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SETTING = "Ysgol Gynradd Pen-y-Bryn"
TOKEN = "prod-test-" + uuid.uuid4().hex           # 42 characters
# What the practitioner types that must never reach a log.
PRIVATE = ["Sam Jones", "class teacher", "sam.jones@example.org",
           "a Year 5 pupil who is very anxious at drop-off", "our link worker"]


def customs(entries):
    return [e["custom"] for e in entries if "custom" in e]


def texts(entries):
    return "\n".join(e.get("text", "") for e in entries if e.get("text"))


def step(entries, name):
    found = [c for c in customs(entries) if c.get("kind") == "booking" and c.get("step") == name]
    assert found, (name, entries)
    return found[-1]


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.fixture(scope="module")
def production(pg_database, redis_db, tmp_path_factory):
    url, name = pg_database
    run_dir = tmp_path_factory.mktemp("production")
    env = {
        "NEST_RASA_TOKEN": TOKEN,
        "NEST_DB_URL": url,
        "NEST_TRACKER_DB_HOST": "127.0.0.1", "NEST_TRACKER_DB_PORT": "5432",
        "NEST_TRACKER_DB_NAME": name, "NEST_TRACKER_DB_USER": "postgres",
        "NEST_REDIS_HOST": "127.0.0.1", "NEST_REDIS_PORT": "6379", "NEST_REDIS_DB": str(redis_db),
        "NEST_RASA_SERVERS": "2", "NEST_ACTION_SERVERS": "2",
        "NEST_RASA_PORT": str(free_port_run(2)), "NEST_ACTIONS_PORT": str(free_port_run(2)),
        "NEST_ACTIONS_LB_PORT": str(launcher.free_port()),
        "NEST_PUBLIC_ADDRESS": "127.0.0.1", "NEST_PUBLIC_PORT": str(launcher.free_port()),
        "NEST_RUN_DIR": str(run_dir), "NEST_LOG_LEVEL": "INFO",
    }
    settings = Settings.from_env(env)
    saved = {k: os.environ.get(k) for k in ("NEST_NOW", "NEST_DB_URL")}
    os.environ["NEST_NOW"] = FIXED_NOW
    try:
        prepare(settings)                       # migrate, load the directory into PostgreSQL
        with Production(settings, name="ptest", extra_env={"NEST_NOW": FIXED_NOW}) as running:
            yield running
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_production_conversation_survives_alternating_servers_and_a_restart(production):
    settings = production.settings
    a, b = production.rasa
    sender = f"ptest-{uuid.uuid4().hex[:12]}"
    public = settings.public_url

    def to(server, text):
        return server.send(sender, text)

    def via_nginx(text):
        return launcher.post_json(f"{public}/webhooks/rest/webhook", {"sender": sender, "message": text})

    # nginx: health check answers; Rasa's API is not reachable through it.
    assert http_get(f"{public}/healthz") == (200, '{"status":"ok"}')
    for path in ("/status", f"/status?token={TOKEN}", "/version",
                 f"/conversations/{sender}/tracker?token={TOKEN}", "/model/parse"):
        assert http_get(public + path)[0] == 404, path
    # the API itself needs the token
    assert http_get(f"{a.rasa_url}/status")[0] == 401

    reply = to(a, "I'd like to book a consultation with our link worker")
    assert "Which school" in texts(reply)
    reply = to(b, SETTING)
    offer = step(reply, "offer")
    session = offer["sessions"][0]
    reply = to(a, '/choose_time{"session_id": "%s"}' % session["session_id"])
    assert "your name" in texts(reply).lower()
    reply = to(b, "Sam Jones")
    assert "role" in texts(reply).lower()

    # Server A crashes in the middle of the form (SIGKILL: no clean shut-down,
    # its kept-alive connections from nginx break): nginx sends the turn to B.
    os.killpg(a.processes[0].pid, signal.SIGKILL)
    a.processes[0].wait()
    reply = via_nginx("class teacher")
    assert "email address or phone number" in texts(reply)
    seconds = production.restart_rasa(0)       # A comes back (a fresh process)
    print(f"\nrestarted Rasa server A in {seconds:.0f} s")

    reply = to(a, "sam.jones@example.org")
    assert "talk about" in texts(reply)
    reply = to(b, "a Year 5 pupil who is very anxious at drop-off")
    summary = step(reply, "confirm")
    assert summary["session"]["session_id"] == session["session_id"]
    assert "sam.jones@example.org" in texts(reply)      # the draft held server-side, across servers
    reply = to(a, "/affirm")
    booking = step(reply, "confirmed")["booking"]
    reference = booking["reference"]

    listed = step(to(b, "what have I booked?"), "list")
    assert [x["reference"] for x in listed["bookings"]] == [reference]
    listed = step(to(a, "what have I booked?"), "list")
    assert [x["reference"] for x in listed["bookings"]] == [reference]

    # The booking is in the shared PostgreSQL booking database.
    engine = sa.create_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT reference, session_id, name, role, contact, status, conversation_id "
                "FROM bookings")).mappings().all()
    finally:
        engine.dispose()
    assert [dict(r) for r in rows] == [{
        "reference": reference, "session_id": int(session["session_id"]), "name": "Sam Jones",
        "role": "class teacher", "contact": "sam.jones@example.org", "status": "booked",
        "conversation_id": sender}]

    # The whole conversation, read back from either server through the API with the token.
    expected_user_turns = [
        "I'd like to book a consultation with our link worker", SETTING,
        '/choose_time{"session_id": "%s"}' % session["session_id"], "Sam Jones", "class teacher",
        "[email]",                                   # redacted before it was stored
        "a Year 5 pupil who is very anxious at drop-off", "/affirm",
        "what have I booked?", "what have I booked?"]
    for server in (a, b):
        assert http_get(f"{server.rasa_url}/conversations/{sender}/tracker")[0] == 401
        status, body = http_get(f"{server.rasa_url}/conversations/{sender}/tracker?token={TOKEN}")
        assert status == 200
        tracker = json.loads(body)
        user_turns = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert user_turns == expected_user_turns


def test_production_lock_store_serialises_one_conversation_across_servers(production):
    """Two messages of one conversation at the same moment on the two servers:
    with the lock the turns are processed one after the other, so the stored
    conversation has both, each followed by its own answer (Rasa's own Redis
    lock store lost one of them about one time in five here)."""
    a, b = production.rasa
    for attempt in range(4):
        sender = f"ptest-lock-{attempt}-{uuid.uuid4().hex[:8]}"
        a.send(sender, "hello")
        messages = {"what is the NEST framework": a, "what does co-regulation mean?": b}
        errors = []
        gate = threading.Barrier(2)

        def send(text, server):
            gate.wait()
            try:
                server.send(sender, text)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))

        threads = [threading.Thread(target=send, args=(t, s)) for t, s in messages.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        status, body = http_get(f"{b.rasa_url}/conversations/{sender}/tracker?token={TOKEN}")
        assert status == 200
        events = json.loads(body)["events"]
        user_indexes = [i for i, e in enumerate(events) if e["event"] == "user"]
        assert sorted(events[i]["text"] for i in user_indexes[1:]) == sorted(messages), attempt
        # every user message is answered (a bot utterance) before the next one arrives
        for start, end in zip(user_indexes, user_indexes[1:] + [len(events)]):
            assert any(e["event"] == "bot" for e in events[start:end]), events[start:end]
        topics = [((e.get("data") or {}).get("custom") or {}).get("topic")
                  for e in events if e["event"] == "bot"]
        assert {"nest_framework", "co_regulation"} <= set(topics)


def test_production_logs_are_json_without_message_text(production):
    log_dir = Path(production.settings.log_dir)
    server_logs = sorted(log_dir.glob("ptest-*.log"))
    assert len(server_logs) == 4                   # two Rasa servers, two action servers
    nginx_access = log_dir / "nginx-access.log"
    for path in server_logs + [nginx_access]:
        content = path.read_text(errors="replace")
        for private in PRIVATE:
            assert private not in content, (path.name, private)
        lines = [line for line in content.splitlines() if line.strip()]
        assert lines, path.name
        for line in lines:
            entry = json.loads(line)               # every line is one JSON object
            assert {"ts", "level", "logger"} <= set(entry), line
            assert TOKEN not in line
    access = [json.loads(x) for x in nginx_access.read_text().splitlines() if x.strip()]
    assert any(e["path"] == "/webhooks/rest/webhook" and e["status"] == 200 for e in access)
