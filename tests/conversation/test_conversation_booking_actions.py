"""Booking actions on built trackers, against a real (temporary) booking database."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import booking as acts
from bot.booking import (BookingService, BookingUnavailable, create_engine_from_env, load_directory,
                         make_session_factory, migrate, sync_directory)
from bot.conversation import booking as conv

NOW = "2026-11-24T10:00:00+00:00"   # a Tuesday morning


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("NEST_NOW", NOW)
    engine = create_engine_from_env(f"sqlite:///{tmp_path / 'b.db'}")
    migrate(engine)
    factory = make_session_factory(engine)
    sync_directory(factory, load_directory())
    svc = BookingService(factory)
    conv.reset_service(svc)
    yield svc
    conv.reset_service(None)


def tracker(intent="inform", text="...", slots=None, entities=(), loop=None, sender="conv-1", confidence=0.95,
            last_action="action_listen"):
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": list(entities)}
    base = {"language": "en", "booking_any": False}
    base.update(slots or {})
    return Tracker(sender, base, latest, [], False, None, {"name": loop} if loop else {}, last_action)


async def call(action, tr):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tr, {})
    return dispatcher.messages, events


def custom(messages, step=None):
    found = [m["custom"] for m in messages if m.get("custom", {}).get("kind") == "booking"]
    if step:
        found = [c for c in found if c["step"] == step]
    return found


async def test_offer_shows_the_named_link_professionals_sessions_first(service):
    setting = service.find_settings("Pen-y-Bryn")[0]
    messages, _ = await call(acts.ActionAskBookingSession(),
                             tracker(slots={"booking_professional": setting.link_professional_id}))
    offer = custom(messages, "offer")[0]
    assert offer["sessions"]
    assert {s["professional_id"] for s in offer["sessions"]} == {setting.link_professional_id}
    starts = [s["start"] for s in offer["sessions"]]
    assert starts == sorted(starts)
    assert any(b["payload"].endswith('{"session_id": "others"}') for b in messages[0]["buttons"])


def test_setting_is_found_and_its_link_professional_remembered(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_setting(
        "pen y bryn primary", dispatcher, tracker(), {})
    setting = service.find_settings("Pen-y-Bryn")[0]
    assert result["booking_setting"] == setting.name
    assert result["booking_professional"] == setting.link_professional_id
    assert "your named link professional is" in dispatcher.messages[0]["text"]


def test_unknown_setting_is_asked_again_kindly(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_setting("zzqx academy", dispatcher, tracker(), {})
    assert result == {"booking_setting": None}
    assert "couldn't find" in dispatcher.messages[0]["text"]


def test_free_text_time_narrows_the_offer(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_session(
        "next week", dispatcher, tracker(intent="choose_time"), {})
    assert result == {"booking_session": None, "booking_window": "next week"}


def test_nonsense_time_is_explained(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_session(
        "31 Feb", dispatcher, tracker(intent="choose_time", confidence=0.5), {})
    assert result == {"booking_session": None}
    assert "didn't catch a time" in dispatcher.messages[0]["text"]


def test_a_session_taken_a_second_ago_is_refused_with_alternatives(service):
    session = service.available_sessions(kind="consultation", limit=1)[0]
    service.book(session.session_id, name="Other Person", role="teacher", setting="Ysgol Gynradd Pen-y-Bryn",
                 contact="other@example.org", topic="a pupil's anxiety", conversation_id="someone-else",
                 idempotency_key="x")
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_session(
        "", dispatcher, tracker(intent="choose_time", entities=[{"entity": "session_id", "value": str(session.session_id)}]), {})
    assert result == {"booking_session": None}
    step = custom(dispatcher.messages, "unavailable")[0]
    assert step["sessions"] and session.session_id not in [s["session_id"] for s in step["sessions"]]


def test_topic_with_identifiers_is_refused(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_topic(
        "pupil DOB 03/04/2015, worried about her", dispatcher, tracker(), {})
    assert result == {"booking_topic": None}
    assert "a date of birth" in dispatcher.messages[0]["text"]


def test_contact_is_held_server_side(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_contact(
        "sam@example.org", dispatcher, tracker(sender="conv-9"), {})
    assert result == {"booking_contact": "sam@example.org"}
    assert service.draft_contact("conv-9") == "sam@example.org"


def test_practice_question_mid_form_is_answered_and_the_slot_re_asked(service):
    dispatcher = CollectingDispatcher()
    result = acts.ValidateBookingForm().validate_booking_name(
        "what is co-regulation", dispatcher, tracker(intent="topic_co_regulation", confidence=0.97), {})
    assert result == {"booking_name": None}
    assert dispatcher.messages[0]["custom"]["topic"] == "co_regulation"


def _filled(service, sender="conv-1"):
    session = service.available_sessions(kind="consultation", limit=1)[0]
    service.save_contact(sender, "sam@example.org")
    return session, {"booking_session": str(session.session_id), "booking_name": "Sam Jones",
                     "booking_role": "class teacher", "booking_setting": "Ysgol Gynradd Pen-y-Bryn",
                     "booking_contact": "[email]", "booking_topic": "an anxious Year 5 pupil",
                     "booking_confirmed": True}


async def test_summary_then_confirmation_makes_one_booking(service):
    session, slots = _filled(service)
    messages, _ = await call(acts.ActionAskBookingConfirmed(), tracker(slots=slots))
    assert custom(messages, "confirm")[0]["session"]["session_id"] == session.session_id
    assert "sam@example.org" in messages[0]["text"]
    messages, events = await call(acts.ActionBookingSubmit(), tracker(slots=slots))
    booking = custom(messages, "confirmed")[0]["booking"]
    assert booking["reference"] in messages[0]["text"]
    assert SlotSet("booking_session", None) in events
    assert [b.reference for b in service.bookings_for("conv-1")] == [booking["reference"]]
    assert service.draft_contact("conv-1") is None          # moved into the booking


async def test_losing_the_race_reopens_the_form_at_the_session_question(service):
    session, slots = _filled(service)
    service.book(session.session_id, name="Fast Person", role="teacher", setting="x school",
                 contact="fast@example.org", topic="a quick question", conversation_id="other", idempotency_key="k")
    messages, events = await call(acts.ActionBookingSubmit(), tracker(slots=slots))
    assert custom(messages, "unavailable")[0]["reason"] == "session_full"
    assert "a moment ago" in messages[0]["text"]
    assert ActiveLoop("booking_form") in events and SlotSet("requested_slot", "booking_session") in events
    assert service.bookings_for("conv-1") == []


async def test_database_down_loses_nothing(service, monkeypatch):
    session, slots = _filled(service)

    def down(*a, **k):
        raise BookingUnavailable("database is down")
    monkeypatch.setattr(service, "book", down)
    messages, events = await call(acts.ActionBookingSubmit(), tracker(slots=slots))
    assert custom(messages, "error")[0]["reason"] == "unavailable"
    assert "Nothing you've told me is lost" in messages[0]["text"]
    assert not any(e.get("name") in {"booking_name", "booking_topic", "booking_session"} for e in events)


async def test_list_and_cancel_only_your_own_bookings(service):
    session, slots = _filled(service)
    await call(acts.ActionBookingSubmit(), tracker(slots=slots))
    reference = service.bookings_for("conv-1")[0].reference
    messages, _ = await call(acts.ActionListBookings(), tracker(sender="intruder"))
    assert custom(messages, "list")[0]["bookings"] == []
    ref_entity = [{"entity": "booking_reference", "value": reference}]
    messages, _ = await call(acts.ActionCancelBooking(), tracker(sender="intruder", entities=ref_entity))
    assert custom(messages, "error")[0]["reason"] == "not_found"
    messages, _ = await call(acts.ActionCancelBooking(), tracker(entities=ref_entity))
    assert custom(messages, "cancelled")[0]["booking"]["reference"] == reference
    assert service.bookings_for("conv-1") == []


async def test_a_session_cancelled_by_the_service_is_shown_as_such(service):
    session, slots = _filled(service)
    await call(acts.ActionBookingSubmit(), tracker(slots=slots))
    service.cancel_session(session.session_id, "illness")
    messages, _ = await call(acts.ActionListBookings(), tracker())
    assert "cancelled by the service: illness" in messages[0]["text"]


async def test_out_of_hours_booking_start_says_the_line_is_closed(service, monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-28T20:00:00+00:00")   # Saturday evening
    messages, events = await call(acts.ActionBookingStart(), tracker(intent="book_consultation", text="book a consultation"))
    assert messages and messages[0]["custom"]["kind"] == "signpost"
    assert "closed" in messages[0]["text"].lower()
    assert SlotSet("booking_kind", None) in events


async def test_drop_in_request_remembers_the_kind(service):
    _, events = await call(acts.ActionBookingStart(), tracker(intent="book_consultation", text="when is the next drop-in?"))
    assert SlotSet("booking_kind", "drop_in") in events


def test_slots_cleared_at_the_start_of_a_booking_are_not_validated(service):
    dispatcher = CollectingDispatcher()
    form = acts.ValidateBookingForm()
    for slot in ("booking_session", "booking_confirmed", "booking_topic", "booking_contact", "booking_setting"):
        assert getattr(form, f"validate_{slot}")(None, dispatcher, tracker(intent="book_consultation"), {}) == {slot: None}
    assert dispatcher.messages == []


def test_answers_already_given_are_kept_quietly_when_the_form_resumes(service):
    form = acts.ValidateBookingForm()
    slots = {"booking_setting": "Ysgol Gynradd Pen-y-Bryn", "booking_name": "Sam Jones",
             "booking_contact": "[email]", "requested_slot": None}
    dispatcher = CollectingDispatcher()
    tr = tracker(intent="affirm", slots=slots, sender="conv-r")
    assert form.validate_booking_setting("Ysgol Gynradd Pen-y-Bryn", dispatcher, tr, {}) == \
        {"booking_setting": "Ysgol Gynradd Pen-y-Bryn"}
    assert form.validate_booking_name("Sam Jones", dispatcher, tr, {}) == {"booking_name": "Sam Jones"}
    # the redacted contact stands only while the server-side draft exists
    assert form.validate_booking_contact("[email]", dispatcher, tr, {}) == {"booking_contact": None}
    service.save_contact("conv-r", "sam@example.org")
    assert form.validate_booking_contact("[email]", dispatcher, tr, {}) == {"booking_contact": "[email]"}
    assert dispatcher.messages == []


def test_the_question_just_asked_is_still_validated(service):
    dispatcher = CollectingDispatcher()
    tr = tracker(slots={"booking_name": "12345", "requested_slot": "booking_name"})
    assert acts.ValidateBookingForm().validate_booking_name("12345", dispatcher, tr, {}) == {"booking_name": None}
    assert "your name" in dispatcher.messages[0]["text"]


def test_a_button_press_is_not_taken_as_a_free_text_answer(service):
    dispatcher = CollectingDispatcher()
    tr = tracker(intent="affirm", slots={"requested_slot": "booking_topic"})
    assert acts.ValidateBookingForm().validate_booking_topic("/affirm", dispatcher, tr, {}) == {"booking_topic": None}
    assert dispatcher.messages == []


def _slots_from(events, slots):
    """The slots after applying an action's SlotSet events."""
    slots = dict(slots)
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return slots


async def _book_from_start(service, slots, sender="conv-1"):
    """Start a booking (as the rule does), fill it with ``slots``, confirm."""
    _, started = await call(acts.ActionBookingStart(),
                            tracker(intent="book_consultation", text="book a consultation", sender=sender))
    filled = _slots_from(started, {})
    filled.update(slots)
    service.save_contact(sender, "sam@example.org")
    messages, events = await call(acts.ActionBookingSubmit(), tracker(slots=filled, sender=sender))
    return filled, messages, events


async def test_booking_the_same_session_again_after_cancelling_makes_a_new_booking(service):
    """Book, cancel, book the same session again: the second booking is real and listed."""
    session, slots = _filled(service)
    _, messages, _ = await _book_from_start(service, slots)
    first = custom(messages, "confirmed")[0]["booking"]["reference"]
    service.cancel(first, "conv-1")
    _, messages, _ = await _book_from_start(service, slots)
    second = custom(messages, "confirmed")[0]["booking"]
    assert second["reference"] != first and second["status"] == "booked"
    assert [b.reference for b in service.bookings_for("conv-1")] == [second["reference"]]
    assert service.get_session(session.session_id).places_left == 0


async def test_a_repeated_confirm_of_one_attempt_makes_one_booking(service):
    session, slots = _filled(service)
    filled, messages, _ = await _book_from_start(service, slots)
    reference = custom(messages, "confirmed")[0]["booking"]["reference"]
    # the same confirmation delivered again (a retry, a double click)
    service.save_contact("conv-1", "sam@example.org")
    messages, _ = await call(acts.ActionBookingSubmit(), tracker(slots=filled))
    assert custom(messages, "confirmed")[0]["booking"]["reference"] == reference
    assert len(service.bookings_for("conv-1")) == 1


async def test_the_attempt_is_forgotten_once_booked(service):
    _, slots = _filled(service)
    filled, _, events = await _book_from_start(service, slots)
    assert filled[acts.ATTEMPT_SLOT]
    assert SlotSet(acts.ATTEMPT_SLOT, None) in events


async def test_each_move_is_its_own_attempt(service):
    """Move A to S2, then the new booking on to S3, then back to S2: three real moves."""
    sessions = service.available_sessions(kind="consultation", limit=3)
    _, slots = _filled(service)
    slots["booking_session"] = str(sessions[0].session_id)
    _, messages, _ = await _book_from_start(service, slots)
    reference = custom(messages, "confirmed")[0]["booking"]["reference"]
    for target in (sessions[1], sessions[2], sessions[1]):
        ref_entity = [{"entity": "booking_reference", "value": reference}]
        _, started = await call(acts.ActionMoveStart(), tracker(intent="move_booking", entities=ref_entity))
        moving = dict(_slots_from(started, {}), booking_session=str(target.session_id))
        messages, _ = await call(acts.ActionMoveSubmit(), tracker(slots=moving))
        moved = custom(messages, "confirmed")[0]["booking"]
        assert moved["session_id"] == target.session_id and moved["status"] == "booked"
        reference = moved["reference"]
    assert [b.session_id for b in service.bookings_for("conv-1")] == [sessions[1].session_id]


async def test_stop_with_nothing_in_progress_does_not_claim_nothing_was_booked(service):
    _, slots = _filled(service)
    await _book_from_start(service, slots)
    messages, events = await call(acts.ActionBookingStop(), tracker(intent="stop", text="stop"))
    assert "nothing in progress to stop" in messages[0]["text"].lower()
    assert "Nothing was booked" not in messages[0]["text"]
    assert events == []
    assert len(service.bookings_for("conv-1")) == 1


async def test_stop_during_a_booking_says_nothing_was_booked(service):
    messages, _ = await call(acts.ActionBookingStop(),
                             tracker(intent="stop", slots={"booking_setting": "x"},
                                     last_action="action_deactivate_loop"))
    assert "Nothing was booked" in messages[0]["text"]
    messages, _ = await call(acts.ActionBookingStop(),
                             tracker(intent="deny", slots={"paused_form": "booking_form"}))
    assert "Nothing was booked" in messages[0]["text"]


async def test_stop_while_moving_says_the_booking_is_unchanged(service):
    messages, _ = await call(acts.ActionBookingStop(),
                             tracker(intent="stop", slots={"move_reference": "NB-AAAA"},
                                     last_action="action_deactivate_loop"))
    assert "hasn't changed" in messages[0]["text"]


async def test_deleting_the_conversation_deletes_the_contact_held_for_a_booking(service):
    from actions.privacy import ActionDeleteConversation
    service.save_contact("conv-d", "sam@example.org")
    messages, _ = await call(ActionDeleteConversation(), tracker(intent="delete_conversation", sender="conv-d"))
    assert "deleted" in messages[0]["text"]
    assert service.draft_contact("conv-d") is None
