"""Many practitioners confirming the same last place at the same moment.

Each thread has its own database session and connection (as separate action
server requests would); a barrier releases them together.  The database must
let exactly one booking through, on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import threading

from bot.booking import SessionFull

from .conftest import details, local

THREADS = 20


def _race(worker, n=THREADS):
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        try:
            results[i] = worker(i)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted on
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a confirmation never finished"
    return results


def test_booking_contention_twenty_confirm_one_place_exactly_one_wins(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local("2026-10-20 16:00"))
    service = backend.service(clock)

    results = _race(lambda i: service.book(sid, **details(name=f"Practitioner {chr(65 + i)}"),
                                           conversation_id=f"conv-{i}",
                                           idempotency_key=f"confirm-{i}"))
    winners = [r for r in results if not isinstance(r, Exception)]
    full = [r for r in results if isinstance(r, SessionFull)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, SessionFull)]
    assert others == [], f"{backend.name}: unexpected errors {others[:3]}"
    assert (len(winners), len(full)) == (1, THREADS - 1)
    assert backend.scalar("SELECT COUNT(*) FROM bookings") == 1
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1
    # the winner sees their booking; everyone else is offered nothing for that session
    winner = winners[0]
    assert [b.reference for b in service.bookings_for(winner.conversation_id)] == \
        [winner.reference]


def test_booking_contention_double_clicks_make_one_booking(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local("2026-10-20 16:00"), kind="drop_in", capacity=10)
    service = backend.service(clock)

    results = _race(lambda i: service.book(sid, **details(), conversation_id="conv-a",
                                           idempotency_key="confirm-1"), n=8)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.reference for r in results}) == 1
    assert backend.scalar("SELECT COUNT(*) FROM bookings") == 1
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1


def test_booking_contention_moves_into_the_last_place(backend, clock):
    backend.add_professional()
    target = backend.add_session(local("2026-10-22 13:30"))
    service = backend.service(clock)
    made = []
    for i in range(6):
        sid = backend.add_session(local(f"2026-10-2{3 + i % 3} 1{i}:00"))
        made.append(service.book(sid, **details(), conversation_id=f"c{i}", idempotency_key="k"))

    results = _race(lambda i: service.move(made[i].reference, target, f"c{i}", "m"), n=6)
    moved = [r for r in results if not isinstance(r, Exception)]
    assert len(moved) == 1 and all(isinstance(r, SessionFull) for r in results if r not in moved)
    # the five who lost still hold their original bookings
    assert backend.scalar("SELECT COUNT(*) FROM bookings WHERE status = 'booked'") == 6
    assert backend.scalar("SELECT SUM(booked_count) FROM sessions") == 6
