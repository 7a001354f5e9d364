"""Bookings made per second by the booking service under contention.

Many threads (each with its own database session, as concurrent action server
requests would) book random places in a pool of sessions until every place
is taken; sessions fill up under them, so many attempts lose the race and get
SessionFull.  Runs on a temporary SQLite file and on PostgreSQL (a schema
created for the run and dropped after), then checks that no session holds
more bookings than its capacity.

    .venv/bin/python bench/booking_bench.py [--threads 16] [--sessions 100]
        [--capacity 4] [--pg-url URL | --no-pg]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bot.booking import (BookingService, BookingUnavailable, SessionFull,  # noqa: E402
                         create_engine_from_env, make_session_factory, migrate)
from bot.booking.models import ConsultationSession, Professional  # noqa: E402

NOW = datetime(2026, 10, 19, 9, 0, tzinfo=timezone.utc)
PG_URL = os.environ.get("NEST_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def populate(factory, sessions: int, capacity: int) -> list:
    with factory() as db:
        db.add(Professional(id="bench", name="Bench Professional", role={"en": "Bench"},
                            team={"en": "Bench"}, languages=["en"], areas=["Bench"],
                            active=True))
        rows = [ConsultationSession(professional_id="bench",
                                    kind="consultation" if capacity == 1 else "drop_in",
                                    starts_at=NOW + timedelta(days=1, minutes=30 * i),
                                    length_minutes=30, capacity=capacity, booked_count=0,
                                    mode="video", status="active") for i in range(sessions)]
        db.add_all(rows)
        db.commit()
        return [r.id for r in rows]


def run(name: str, engine, threads: int, sessions: int, capacity: int) -> dict:
    migrate(engine)
    factory = make_session_factory(engine)
    ids = populate(factory, sessions, capacity)
    service = BookingService(factory, clock=lambda: NOW)
    open_ids = set(ids)
    lock = threading.Lock()
    counts = {"booked": 0, "full": 0, "unavailable": 0}
    barrier = threading.Barrier(threads + 1)

    def worker(n: int) -> None:
        rng = random.Random(n)
        barrier.wait()
        attempt = 0
        while True:
            with lock:
                if not open_ids:
                    return
                sid = rng.choice(sorted(open_ids)[:max(4, threads // 2)])  # crowd the soonest
            attempt += 1
            try:
                service.book(sid, name="Bench Practitioner", role="Teacher",
                             setting="Bench School", contact="bench@example.org",
                             topic="Benchmark booking topic", conversation_id=f"t{n}",
                             idempotency_key=f"t{n}-{attempt}")
                key = "booked"
            except SessionFull:
                key = "full"
                with lock:
                    open_ids.discard(sid)
            except BookingUnavailable:
                key = "unavailable"
            with lock:
                counts[key] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    with engine.connect() as conn:
        over = conn.execute(text("SELECT COUNT(*) FROM sessions WHERE booked_count > capacity"
                                 )).scalar()
        rows = conn.execute(text("SELECT COUNT(*) FROM bookings")).scalar()
        total = conn.execute(text("SELECT SUM(booked_count) FROM sessions")).scalar()
    ok = over == 0 and rows == total == sessions * capacity == counts["booked"]
    return dict(name=name, threads=threads, elapsed=elapsed, rate=counts["booked"] / elapsed,
                ok=ok, **counts)


def report(r: dict) -> None:
    print(f"{r['name']:<10} threads={r['threads']:<3} booked={r['booked']:<5} "
          f"lost_race={r['full']:<4} unavailable={r['unavailable']:<3} "
          f"time={r['elapsed']:.2f}s  bookings/s={r['rate']:.0f}  "
          f"integrity={'OK' if r['ok'] else 'BROKEN'}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[8, 20])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args(argv)
    failed = False
    for threads in args.threads:
        with tempfile.TemporaryDirectory() as tmp:
            engine = create_engine_from_env(f"sqlite:///{tmp}/bench.db")
            result = run("sqlite", engine, threads, args.sessions, args.capacity)
            engine.dispose()
        report(result)
        failed |= not result["ok"]
        if args.no_pg:
            continue
        admin = create_engine(args.pg_url, future=True)
        schema = f"nest_bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            engine = create_engine_from_env(args.pg_url, pool_size=threads, max_overflow=5,
                                            connect_args={"options": f"-csearch_path={schema}"})
            result = run("postgres", engine, threads, args.sessions, args.capacity)
            engine.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        report(result)
        failed |= not result["ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
