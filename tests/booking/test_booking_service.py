"""The booking service as practitioners and operators meet it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.booking import (BookingUnavailable, IdentifyingDetails, InvalidDetails, NotActive,
                         NotFound, NotYours, SessionFull, SessionUnavailable, TimeWindow,
                         create_engine_from_env, make_session_factory, BookingService)
from bot.booking.service import normalise_reference

from .conftest import details, local

TUE_16 = "2026-10-20 16:00"      # Tuesday, 31 hours after the test clock's "now"


# --- capacity, rebooking, idempotency (SQLite and PostgreSQL) -----------------------

def test_booking_session_full_service_database_one_place(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16))
    service = backend.service(clock)
    first = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="k1")
    assert first.reference.startswith("NB-") and len(first.reference) == 7
    assert first.status == "booked" and first.places_left == 0
    with pytest.raises(SessionFull):
        service.book(sid, **details(name="Tom Jones"), conversation_id="conv-b",
                     idempotency_key="k1")
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1
    assert backend.scalar("SELECT COUNT(*) FROM bookings") == 1
    # a full session is no longer offered
    assert sid not in [s.session_id for s in service.available_sessions()]


def test_booking_drop_in_takes_up_to_capacity(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16), kind="drop_in", capacity=3, length=60)
    service = backend.service(clock)
    offered = service.available_sessions(kind="drop_in")
    assert [(s.session_id, s.places_left, s.kind) for s in offered] == [(sid, 3, "drop_in")]
    for n in range(3):
        made = service.book(sid, **details(), conversation_id=f"c{n}", idempotency_key="k")
    assert made.places_left == 0
    with pytest.raises(SessionFull):
        service.book(sid, **details(), conversation_id="c9", idempotency_key="k")


def test_booking_same_idempotency_key_gives_same_booking(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16), kind="drop_in", capacity=5)
    service = backend.service(clock)
    one = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="confirm-1")
    two = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="confirm-1")
    assert one.reference == two.reference
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1
    # a new confirmation (new key) in the same conversation is a second booking
    three = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="confirm-2")
    assert three.reference != one.reference


def test_booking_book_cancel_book_again_in_one_conversation(backend, clock):
    """Each confirmation attempt has its own key (actions/booking.py): booking
    the same session again after cancelling it is a new, live booking, and a
    repeated confirm of that attempt still makes only one."""
    backend.add_professional()
    sid = backend.add_session(local(TUE_16))
    service = backend.service(clock)
    first = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="book:attempt-1")
    service.cancel(first.reference, "conv-a")
    second = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="book:attempt-2")
    again = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="book:attempt-2")
    assert second.status == "booked" and second.reference != first.reference
    assert again.reference == second.reference
    assert [b.reference for b in service.bookings_for("conv-a")] == [second.reference]
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1
    assert backend.scalar("SELECT COUNT(*) FROM bookings WHERE status = 'booked'") == 1


def test_booking_cancel_frees_the_place_for_someone_else(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16))
    service = backend.service(clock)
    made = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="k")
    cancelled = service.cancel(made.reference, "conv-a")
    assert cancelled.status == "cancelled" and cancelled.cancelled_by == "practitioner"
    assert service.bookings_for("conv-a") == []
    assert [s.places_left for s in service.available_sessions()] == [1]
    again = service.book(sid, **details(name="Tom Jones"), conversation_id="conv-b",
                         idempotency_key="k")
    assert again.status == "booked"
    # cancelling twice is harmless and does not free a second place
    assert service.cancel(made.reference, "conv-a").status == "cancelled"
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=sid) == 1


def test_booking_move_is_atomic_and_frees_the_old_place(backend, clock):
    backend.add_professional()
    old_sid = backend.add_session(local(TUE_16))
    new_sid = backend.add_session(local("2026-10-22 13:30"))
    service = backend.service(clock)
    made = service.book(old_sid, **details(), conversation_id="conv-a", idempotency_key="k1")
    moved = service.move(made.reference, new_sid, "conv-a", idempotency_key="m1")
    assert moved.session_id == new_sid and moved.status == "booked"
    assert moved.reference != made.reference and moved.topic == made.topic
    assert [b.reference for b in service.bookings_for("conv-a")] == [moved.reference]
    assert service.booking(made.reference, "conv-a").reference == moved.reference
    assert {s.session_id for s in service.available_sessions()} == {old_sid}
    # retried move request: same result, nothing else changes
    assert service.move(made.reference, new_sid, "conv-a", "m1").reference == moved.reference
    assert backend.scalar("SELECT SUM(booked_count) FROM sessions") == 1


def test_booking_move_to_full_session_keeps_the_original(backend, clock):
    backend.add_professional()
    old_sid = backend.add_session(local(TUE_16))
    full_sid = backend.add_session(local("2026-10-22 13:30"))
    service = backend.service(clock)
    made = service.book(old_sid, **details(), conversation_id="conv-a", idempotency_key="k1")
    service.book(full_sid, **details(), conversation_id="conv-b", idempotency_key="k1")
    with pytest.raises(SessionFull):
        service.move(made.reference, full_sid, "conv-a", idempotency_key="m1")
    still = service.bookings_for("conv-a")
    assert [(b.reference, b.session_id, b.status) for b in still] == \
        [(made.reference, old_sid, "booked")]
    assert backend.scalar("SELECT booked_count FROM sessions WHERE id = :i", i=old_sid) == 1


def test_booking_only_the_conversation_that_booked_can_see_cancel_or_move(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16))
    other = backend.add_session(local("2026-10-22 13:30"))
    service = backend.service(clock)
    made = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="k")
    assert service.bookings_for("conv-b") == []
    with pytest.raises(NotYours):
        service.cancel(made.reference, "conv-b")
    with pytest.raises(NotYours):
        service.move(made.reference, other, "conv-b", idempotency_key="m")
    with pytest.raises(NotFound):
        service.cancel("NB-ZZZZ", "conv-a")
    assert service.bookings_for("conv-a")[0].status == "booked"


def test_booking_operator_cancellation_is_shown_to_the_practitioner(backend, clock):
    backend.add_professional()
    sid = backend.add_session(local(TUE_16), kind="drop_in", capacity=4)
    service = backend.service(clock)
    made = service.book(sid, **details(), conversation_id="conv-a", idempotency_key="k")
    affected = service.cancel_session(sid, "Ffion is unwell")
    assert [b.reference for b in affected] == [made.reference]
    seen = service.bookings_for("conv-a")
    assert len(seen) == 1 and seen[0].cancelled_by_service
    assert seen[0].cancel_reason == "Ffion is unwell"
    assert seen[0].as_payload()["cancelled_by"] == "service"
    assert service.available_sessions() == []
    with pytest.raises(SessionUnavailable) as err:
        service.book(sid, **details(), conversation_id="conv-b", idempotency_key="k")
    assert err.value.reason == "cancelled"
    with pytest.raises(NotActive):
        service.move(made.reference, sid, "conv-a", "m")


def test_booking_purge_deletes_only_bookings_of_sessions_ended_long_ago(backend, clock):
    backend.add_professional()
    old_sid = backend.add_session(local("2026-10-20 16:00"))
    recent_sid = backend.add_session(local("2026-10-22 13:30"))
    later_sid = backend.add_session(local("2026-12-01 10:00"))
    service = backend.service(clock)
    old = service.book(old_sid, **details(), conversation_id="a", idempotency_key="1")
    service.book(recent_sid, **details(), conversation_id="b", idempotency_key="1")
    service.move(old.reference, later_sid, "a", "2")   # the moved-away booking stays linked
    clock.set("2026-11-25T12:00:00+00:00")
    deleted = service.purge_bookings(clock() - timedelta(days=30))   # 26 October
    assert deleted == 2      # the moved-away one on 20 Oct and the one on 22 Oct
    left = service.bookings_for("a")
    assert [b.session_id for b in left] == [later_sid]
    assert service.purge_bookings(clock() - timedelta(days=30)) == 0


# --- lead time and past sessions ----------------------------------------------------

def test_booking_sessions_within_lead_time_or_past_are_neither_offered_nor_bookable(
        sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional()
    clock.set("2026-10-20T14:30:00+01:00")
    past = b.add_session(local("2026-10-20 09:00"))
    soon = b.add_session(local("2026-10-20 16:00"))         # 1 h 30 ahead
    later = b.add_session(local("2026-10-20 16:50"))        # 2 h 20 ahead
    service = b.service(clock)
    assert [s.session_id for s in service.available_sessions()] == [later]
    for sid in (past, soon):
        with pytest.raises(SessionUnavailable) as err:
            service.book(sid, **details(), conversation_id="c", idempotency_key=str(sid))
        assert err.value.reason == "too_soon"
    relaxed = b.service(clock, lead_time=timedelta(hours=1))
    assert [s.session_id for s in relaxed.available_sessions()] == [soon, later]
    # as time passes the 16:50 session drops out too
    clock.set("2026-10-20T15:00:00+01:00")
    assert service.available_sessions() == []


def test_booking_unknown_session_is_unavailable(sqlite_backend, clock):
    sqlite_backend.add_professional()
    with pytest.raises(SessionUnavailable) as err:
        sqlite_backend.service(clock).book(999, **details(), conversation_id="c",
                                           idempotency_key="k")
    assert err.value.reason == "not_found"


def test_booking_past_bookings_are_hidden_unless_asked(sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    service = b.service(clock)
    service.book(sid, **details(), conversation_id="c", idempotency_key="k")
    clock.set("2026-10-21T09:00:00+01:00")
    assert service.bookings_for("c") == []
    assert [x.session_id for x in service.bookings_for("c", include_past=True)] == [sid]
    with pytest.raises(NotActive):
        service.cancel(service.bookings_for("c", include_past=True)[0].reference, "c")


# --- offering sessions ------------------------------------------------------------------

def test_booking_offers_follow_window_professional_and_limit(sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional()
    b.add_professional("gareth-price", "Dr Gareth Price", "Educational psychologist",
                       areas=("Neath",))
    tue_am = b.add_session(local("2026-10-20 10:00"))
    tue_pm = b.add_session(local("2026-10-20 16:00"))
    wed_pm = b.add_session(local("2026-10-21 14:00"), professional="gareth-price")
    nov = b.add_session(local("2026-11-03 16:00"))          # after the clocks change
    service = b.service(clock)
    afternoons = TimeWindow(start=clock(), day_from=local("2026-01-01 12:00").time())
    assert [s.session_id for s in service.available_sessions(window=afternoons)] == \
        [tue_pm, wed_pm, nov]
    assert [s.session_id for s in service.available_sessions(professional_id="gareth-price")] \
        == [wed_pm]
    assert [s.session_id for s in service.available_sessions(limit=2)] == [tue_am, tue_pm]
    view = service.available_sessions(window=afternoons)[-1]
    assert view.start.hour == 16 and view.start.utcoffset() == timedelta(0)
    payload = view.as_payload()
    assert payload["start"] == "2026-11-03T16:00:00+00:00"
    assert {"session_id", "professional", "start", "length", "kind"} <= set(payload)


def test_booking_alternatives_after_a_full_session(sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional()
    full = b.add_session(local(TUE_16))
    nxt = b.add_session(local("2026-10-27 16:00"))
    service = b.service(clock)
    service.book(full, **details(), conversation_id="a", idempotency_key="k")
    assert [s.session_id for s in service.alternatives(full)] == [nxt]


def test_booking_setting_match_puts_named_link_professional_first(sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional("ffion-evans", "Ffion Evans", areas=("Swansea North",))
    b.add_professional("gareth-price", "Dr Gareth Price", "Educational psychologist",
                       areas=("Swansea North",))
    b.add_professional("alun-bevan", "Alun Bevan", "School nurse", areas=("Neath",))
    b.add_setting("ysgol-pen-y-bryn", "Ysgol Gynradd Pen-y-Bryn", "Swansea North",
                  "gareth-price", aliases=["Pen y Bryn Primary"])
    b.add_setting("ysgol-cwm-nedd", "Ysgol Gynradd Cwm Nedd", "Neath", "alun-bevan")
    service = b.service(clock)
    for typed in ("pen y bryn", "Penybryn primary", "ysgol pen-y-bryn", "Pen y Brin"):
        setting, people = service.professionals_for_setting(typed)
        assert setting is not None and setting.id == "ysgol-pen-y-bryn", typed
        assert [p.id for p in people] == ["gareth-price", "ffion-evans", "alun-bevan"]
    setting, people = service.professionals_for_setting("Hogwarts")
    assert setting is None and len(people) == 3
    assert service.find_settings("") == []


# --- the practitioner's details and privacy ---------------------------------------------

@pytest.mark.parametrize("topic,kinds", [
    ("Worried about Sam, DOB 03/04/2015", ["dob"]),
    ("Mum emailed me at parent.name@gmail.com about her son", ["email"]),
    ("Child with NHS number 943 476 5919 refusing school", ["nhs_number"]),
    ("Family at CF10 1AA struggling after a bereavement", ["postcode"]),
    ("Ring dad on 07700 900123 about self-harm", ["phone"]),
])
def test_booking_topic_with_identifiers_is_refused_and_nothing_saved(sqlite_backend, clock,
                                                                        topic, kinds):
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    with pytest.raises(IdentifyingDetails) as err:
        b.service(clock).book(sid, **details(topic=topic), conversation_id="c",
                              idempotency_key="k")
    assert err.value.kinds == kinds and err.value.field == "topic"
    assert topic not in str(err.value)
    assert b.scalar("SELECT COUNT(*) FROM bookings") == 0
    assert b.scalar("SELECT booked_count FROM sessions") == 0


@pytest.mark.parametrize("field,value,reason", [
    ("topic", "x" * 201, "topic_too_long"),
    ("topic", "", "topic_missing"),
    ("contact", "not an address", "contact_invalid"),
    ("contact", "jane@", "contact_invalid"),
    ("contact", "+1 415 555 0100", "contact_invalid"),
    ("contact", "0770090012", "contact_invalid"),
    ("name", "", "name_missing"),
    ("name", "jane@example.org", "name_invalid"),
    ("role", "   ", "role_missing"),
    ("setting", "", "setting_missing"),
])
def test_booking_invalid_details_name_the_field(sqlite_backend, clock, field, value, reason):
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    with pytest.raises(InvalidDetails) as err:
        b.service(clock).book(sid, **details(**{field: value}), conversation_id="c",
                              idempotency_key="k")
    assert (err.value.field, err.value.reason) == (field, reason)
    assert b.scalar("SELECT COUNT(*) FROM bookings") == 0


@pytest.mark.parametrize("typed,stored", [
    ("07700 900123", "07700900123"),
    ("+44 7700 900123", "07700900123"),
    ("+44 (0)29 2087 0000", "02920870000"),
    ("(01792) 123456", "01792123456"),
    ("Jane.Smith@School.Example.WALES", "Jane.Smith@school.example.wales"),
])
def test_booking_accepts_uk_phone_numbers_and_emails(sqlite_backend, clock, typed, stored):
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    made = b.service(clock).book(sid, **details(contact=typed), conversation_id="c",
                                 idempotency_key="k")
    assert made.contact == stored
    assert "contact" not in made.as_payload()
    assert made.as_payload(include_details=True)["contact"] == stored


def test_booking_reference_is_understood_however_typed(sqlite_backend, clock):
    b = sqlite_backend
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    service = b.service(clock)
    made = service.book(sid, **details(), conversation_id="c", idempotency_key="k")
    code = made.reference[3:]
    for typed in (made.reference.lower(), f"nb {code}", code.lower(), f" NB-{code} "):
        assert normalise_reference(typed) == made.reference
    assert service.cancel(code.lower(), "c").status == "cancelled"
    assert normalise_reference("hello") is None


# --- the database being unavailable -------------------------------------------------------

def test_booking_locked_database_raises_booking_unavailable(tmp_path, monkeypatch, clock):
    import sqlite3

    from bot.booking import migrate
    from .conftest import Backend

    monkeypatch.setenv("NEST_DB_BUSY_TIMEOUT_MS", "200")
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    engine = create_engine_from_env(url)
    migrate(engine)
    b = Backend("sqlite", lambda: engine)
    b.add_professional()
    sid = b.add_session(local(TUE_16))
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")     # another process holds the write lock
    try:
        service = b.service(clock)
        assert len(service.available_sessions()) == 1      # reading still works (WAL)
        with pytest.raises(BookingUnavailable):
            service.book(sid, **details(), conversation_id="c", idempotency_key="k")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert b.service(clock).book(sid, **details(), conversation_id="c",
                                 idempotency_key="k").status == "booked"


def test_booking_database_down_raises_booking_unavailable(clock):
    engine = create_engine_from_env("postgresql+psycopg2://nobody@127.0.0.1:9/none",
                                    pool_pre_ping=False, connect_args={"connect_timeout": 2})
    service = BookingService(make_session_factory(engine), clock=clock)
    with pytest.raises(BookingUnavailable):
        service.available_sessions()
    with pytest.raises(BookingUnavailable):
        service.bookings_for("c")
