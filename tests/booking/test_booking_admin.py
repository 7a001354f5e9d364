"""The operator's admin command, the exports and the schema migrations."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect, text

from bot.booking import BookingService, create_engine_from_env, make_session_factory, migrate
from bot.booking.admin import main
from bot.booking.migrations import LATEST, MIGRATIONS, current_version
from bot.booking.models import Base

from .conftest import details, local
from .test_booking_directory import GOOD, write

NOW = "2026-10-19T09:00:00+01:00"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("NEST_NOW", NOW)
    db = f"sqlite:///{tmp_path / 'admin.db'}"
    directory = write(tmp_path, GOOD)
    return db, str(directory)


def _service(db):
    return BookingService(make_session_factory(create_engine_from_env(db)))


def test_booking_admin_validate_reports_ok_and_errors(env, tmp_path):
    db, directory = env
    code, out, _ = run("--directory", directory, "validate")
    assert code == 0 and "OK" in out and "2 professionals" in out
    bad = write(tmp_path, GOOD.replace("weekday: tuesday", "weekday: someday"), "bad.yml")
    code, _, err = run("--directory", str(bad), "validate")
    assert code == 1
    assert f"{bad}:25" in err and "'weekday'" in err and "sessions[1]" in err


def test_booking_admin_load_sessions_cancel_and_bookings(env):
    db, directory = env
    code, out, _ = run("--db", db, "--directory", directory, "load", "--weeks", "2")
    assert code == 0 and "4 created" in out
    code, out, _ = run("--db", db, "--directory", directory, "load", "--weeks", "2")
    assert "0 created" in out

    service = _service(db)
    session = service.available_sessions(professional_id="ffion-evans")[0]
    made = service.book(session.session_id, **details(), conversation_id="c",
                        idempotency_key="k")

    code, out, _ = run("--db", db, "sessions", "--days", "14")
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 0 and len(lines) == 4
    assert "Tue 20 Oct 2026 16:00" in out and "1/1 booked" in out and "0/6 booked" in out

    code, out, _ = run("--db", db, "bookings", "--professional", "ffion-evans")
    assert made.reference in out and "Jane Smith" in out

    code, out, _ = run("--db", db, "cancel-session", str(session.session_id),
                       "--reason", "Training day")
    assert code == 0 and made.reference in out and "jane.smith@example.org" in out
    seen = service.bookings_for("c")
    assert seen[0].cancelled_by_service and seen[0].cancel_reason == "Training day"
    code, out, _ = run("--db", db, "sessions")
    assert "CANCELLED: Training day" in out

    code, _, err = run("--db", db, "bookings", "--professional", "nobody")
    assert code == 1


def test_booking_admin_export_csv_and_ics(env, tmp_path):
    db, directory = env
    run("--db", db, "--directory", directory, "load", "--weeks", "3")
    service = _service(db)
    ffion = service.available_sessions(professional_id="ffion-evans", limit=3)
    summer, winter = ffion[0], ffion[1]          # 20 Oct (BST) and 27 Oct (GMT)
    a = service.book(summer.session_id, **details(topic="=HYPERLINK(\"x\"), a formula; test"),
                     conversation_id="a", idempotency_key="k")
    service.book(winter.session_id, **details(name="Siôn Ap Dafydd", contact="07700 900123",
                                              topic="Long topic " + "word " * 30),
                 conversation_id="b", idempotency_key="k")
    service.cancel(a.reference, "a")
    csv_path, ics_path = tmp_path / "out.csv", tmp_path / "out.ics"
    code, out, _ = run("--db", db, "export", "--professional", "ffion-evans",
                       "--csv", str(csv_path), "--ics", str(ics_path))
    assert code == 0

    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert [(r["date"], r["start"], r["status"]) for r in rows] == \
        [("2026-10-20", "16:00", "cancelled"), ("2026-10-27", "16:00", "booked")]
    assert rows[0]["topic"].startswith("'=")          # not run as a formula
    assert rows[1]["practitioner_name"] == "Siôn Ap Dafydd" and rows[1]["contact"] == \
        "07700900123"

    raw = ics_path.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    unfolded = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")
    events = "\r\n".join(unfolded).split("BEGIN:VEVENT")[1:]
    assert len(events) == 2
    assert "DTSTART:20261020T150000Z" in events[0] and "STATUS:CANCELLED" in events[0]
    assert "DTSTART:20261027T160000Z" in events[1] and "STATUS:CONFIRMED" in events[1]
    assert "DTEND:20261027T164500Z" in events[1]
    assert "Siôn Ap Dafydd" in events[1] and ("word " * 30).strip() in events[1]
    assert "\\;" in events[0] and "\\," in events[0]         # escaped text
    assert all("UID:session-" in e and "DTSTAMP:" in e for e in events)


def test_booking_admin_purge_uses_days(env, monkeypatch):
    db, directory = env
    run("--db", db, "--directory", directory, "load", "--weeks", "1")
    service = _service(db)
    sid = service.available_sessions(professional_id="ffion-evans")[0].session_id
    service.book(sid, **details(), conversation_id="c", idempotency_key="k")
    code, out, _ = run("--db", db, "purge", "--days", "30")
    assert code == 0 and "deleted 0 bookings" in out
    monkeypatch.setenv("NEST_NOW", "2026-11-25T12:00:00+00:00")
    code, out, _ = run("--db", db, "purge", "--days", "30")
    assert "deleted 1 bookings" in out
    assert service.bookings_for("c", include_past=True) == []


def test_booking_ics_folds_multibyte_text_on_character_boundaries():
    from bot.booking.export import _fold
    line = "DESCRIPTION:" + "ŵŷ" * 60
    pieces = _fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line


def test_booking_migrate_is_idempotent_and_matches_the_models(tmp_path):
    engine = create_engine_from_env(f"sqlite:///{tmp_path / 'm.db'}")
    assert current_version(engine) == 0
    assert migrate(engine) == [v for v, _, _ in MIGRATIONS]
    assert migrate(engine) == []
    assert current_version(engine) == LATEST
    insp = inspect(engine)
    for table in Base.metadata.sorted_tables:
        have = {c["name"]: c["nullable"] for c in insp.get_columns(table.name)}
        want = {c.name: c.nullable for c in table.columns}
        assert have == want, table.name
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    engine.dispose()


def test_booking_database_refuses_overbooking_even_without_the_service(sqlite_backend):
    """The CHECK constraint holds whatever code writes to the table."""
    from sqlalchemy.exc import IntegrityError
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local("2026-10-20 16:00"))
    with pytest.raises(IntegrityError):
        with b.engine.begin() as conn:
            conn.execute(text("UPDATE sessions SET booked_count = 2 WHERE id = :i"), {"i": sid})


def test_booking_migrate_refuses_a_newer_database(tmp_path):
    engine = create_engine_from_env(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version VALUES (99, 'future', :t)"),
                     {"t": datetime.now(timezone.utc).replace(tzinfo=None)})
    with pytest.raises(RuntimeError, match="newer"):
        migrate(engine)
    engine.dispose()


def test_booking_default_database_is_var_nest_db(monkeypatch):
    monkeypatch.delenv("NEST_DB_URL", raising=False)
    engine = create_engine_from_env()
    assert engine.url.database.endswith("var/nest.db")
    engine.dispose()
    monkeypatch.setenv("NEST_DB_URL", "sqlite:////tmp/elsewhere-nest-test.db")
    assert create_engine_from_env().url.database == "/tmp/elsewhere-nest-test.db"
