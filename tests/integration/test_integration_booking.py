"""Booking over the REST webhook: book, list, move, cancel; ownership; a risk
message in the middle of the form; a practice question mid-form."""
import json
import re

import pytest

from tests.integration.conftest import buttons, customs, texts

pytestmark = pytest.mark.slow

SETTING = "Ysgol Gynradd Pen-y-Bryn"


def step(entries, name):
    found = [c for c in customs(entries) if c.get("kind") == "booking" and c.get("step") == name]
    assert found, (name, entries)
    return found[-1]


def choose(chat, session_id):
    return chat('/choose_time{"session_id": "%s"}' % session_id)


def book_until_summary(chat):
    reply = chat("I'd like to book a consultation with our link worker")
    assert "Which school" in texts(reply)
    reply = chat(SETTING)
    offer = step(reply, "offer")
    assert offer["sessions"], reply
    assert "your named link professional is" in texts(reply)
    first = offer["sessions"][0]
    assert {"session_id", "professional", "start", "length", "kind"} <= set(first)
    session_buttons = [b for b in buttons(reply) if b["payload"].startswith("/choose_time")]
    assert session_buttons and json.dumps(first["session_id"]) in session_buttons[0]["payload"] or \
        str(first["session_id"]) in session_buttons[0]["payload"]
    reply = choose(chat, first["session_id"])
    assert "your name" in texts(reply).lower()
    reply = chat("Sam Jones")
    assert "role" in texts(reply).lower()
    reply = chat("class teacher")
    assert "email address or phone number" in texts(reply)
    reply = chat("sam.jones@example.org")
    assert "talk about" in texts(reply)
    return first


def test_book_list_move_and_cancel(chat, other_chat):
    first = book_until_summary(chat)
    reply = chat("a Year 5 pupil who is very anxious at drop-off")
    summary = step(reply, "confirm")
    assert summary["session"]["session_id"] == first["session_id"]
    assert "sam.jones@example.org" in texts(reply)          # read back from the server-side draft
    reply = chat("/affirm")
    done = step(reply, "confirmed")
    reference = done["booking"]["reference"]
    assert re.fullmatch(r"NB-[0-9A-Z]{4,}", reference)
    assert reference in texts(reply)

    listed = step(chat("what have I booked?"), "list")
    assert [b["reference"] for b in listed["bookings"]] == [reference]

    # Someone else's conversation can neither see nor cancel it.
    assert step(other_chat("what have I booked?"), "list")["bookings"] == []
    reply = other_chat('/cancel_booking{"booking_reference": "%s"}' % reference)
    assert step(reply, "error")["reason"] == "not_found"

    reply = chat('/move_booking{"booking_reference": "%s"}' % reference)
    offer = step(reply, "offer")
    other = next(s for s in offer["sessions"] if s["session_id"] != first["session_id"])
    reply = choose(chat, other["session_id"])
    moved = step(reply, "confirmed")
    new_reference = moved["booking"]["reference"]
    assert moved["booking"]["session_id"] == other["session_id"]

    listed = step(chat("show me my bookings"), "list")
    assert [b["session_id"] for b in listed["bookings"]] == [other["session_id"]]

    reply = chat('/cancel_booking{"booking_reference": "%s"}' % new_reference)
    assert step(reply, "cancelled")["booking"]["status"] == "cancelled"
    assert step(chat("what have I booked?"), "list")["bookings"] == []


def test_a_risk_message_mid_form_gets_the_emergency_reply_and_the_form_resumes(chat):
    book_until_summary(chat)
    reply = chat("sorry - she has just told me her stepdad hits her")
    first = reply[0]
    assert first["text"].startswith("If anyone is in immediate danger, call 999")
    assert any(c.get("urgency") == "emergency" for c in customs(reply))
    assert "paused, not lost" in texts(reply)
    reply = chat("/affirm")
    assert "talk about" in texts(reply)                     # back at the question it was asking
    reply = chat("a Year 5 pupil who is very anxious at drop-off")
    assert step(reply, "confirm")


def test_a_practice_question_mid_form_is_answered_then_the_form_continues(chat):
    chat("book a consultation")
    chat(SETTING)
    reply = chat("what does co-regulation mean?")
    assert any(c.get("kind") == "answer" and c.get("topic") == "co_regulation" for c in customs(reply))
    assert step(reply, "offer")                              # and the sessions are offered again


def test_free_text_time_and_stop(chat):
    chat("when is the next drop-in?")
    reply = chat(SETTING)
    assert step(reply, "offer")
    reply = chat("next week")
    offer = step(reply, "offer")
    reply = chat("stop")
    assert "Nothing was booked" in texts(reply)
    assert step(chat("what have I booked?"), "list")["bookings"] == []


# --- issue 13: booking conversation bugs ----------------------------------------------

def book_one(chat):
    first = book_until_summary(chat)
    chat("a Year 5 pupil who is very anxious at drop-off")
    done = step(chat("/affirm"), "confirmed")
    return first, done["booking"]["reference"]


def test_book_cancel_and_book_the_same_session_again(chat):
    first, reference = book_one(chat)
    assert step(chat('/cancel_booking{"booking_reference": "%s"}' % reference), "cancelled")
    # the same session again, in the same conversation
    reply = chat("I'd like to book a consultation")
    reply = chat(SETTING)
    assert first["session_id"] in [s["session_id"] for s in step(reply, "offer")["sessions"]]
    choose(chat, first["session_id"])
    chat("Sam Jones")
    chat("class teacher")
    chat("sam.jones@example.org")
    chat("a Year 5 pupil who is very anxious at drop-off")
    again = step(chat("/affirm"), "confirmed")["booking"]
    assert again["reference"] != reference and again["status"] == "booked"
    listed = step(chat("what have I booked?"), "list")
    assert [(b["reference"], b["status"]) for b in listed["bookings"]] == [(again["reference"], "booked")]


def test_delete_my_conversation_while_choosing_a_session(chat):
    chat("book a consultation")
    assert step(chat(SETTING), "offer")
    reply = chat("delete my conversation")
    assert "deleted this conversation" in texts(reply)
    assert "didn't catch a time" not in texts(reply)
    assert not any(c.get("step") == "offer" for c in customs(reply))   # the form has ended
    # nothing of the form is left: a name now is not taken as a booking answer
    reply = chat("what have I booked?")
    assert step(reply, "list")["bookings"] == []
    assert "your name" not in texts(reply).lower()


def test_my_bookings_while_the_form_asks_for_a_contact(chat):
    chat("book a consultation")
    offer = step(chat(SETTING), "offer")
    choose(chat, offer["sessions"][0]["session_id"])
    chat("Sam Jones")
    assert "email address or phone number" in texts(chat("class teacher"))
    reply = chat("what have I booked?")
    assert step(reply, "list")["bookings"] == []
    assert "doesn't look like an email" not in texts(reply)
    assert "email address or phone number" in texts(reply)      # the same question again
    assert "talk about" in texts(chat("sam.jones@example.org"))   # and the form carries on


def test_advice_lines_while_choosing_a_session(chat):
    chat("book a consultation")
    step(chat(SETTING), "offer")
    reply = chat("who can I call tonight?")
    assert any(c.get("kind") == "signpost" for c in customs(reply))
    assert "didn't catch a time" not in texts(reply)
    assert step(reply, "offer")                                    # sessions offered again


def test_stop_after_a_completed_booking_says_there_is_nothing_to_stop(chat):
    _, reference = book_one(chat)
    reply = chat("stop")
    assert "nothing in progress to stop" in texts(reply).lower()
    assert "Nothing was booked" not in texts(reply)
    listed = step(chat("what have I booked?"), "list")
    assert [b["reference"] for b in listed["bookings"]] == [reference]
