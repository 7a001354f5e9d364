"""Safety and signposting actions on built trackers (no model needed)."""
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionSafetyResponse, ActionSignpost
from bot.conversation.signposting import read_request


def tracker(intent, text="...", active_loop=None):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return Tracker("s-1", {"language": "en"}, latest, [], False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


async def run(action, tr):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tr, {})
    return dispatcher.messages, events


async def test_emergency_reply_starts_with_999_and_offers_an_urgent_consultation(monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-24T21:30:00+00:00")  # Tuesday evening
    messages, events = await run(ActionSafetyResponse(), tracker("risk_disclosure", "she said she wants to die"))
    assert len(messages) == 1
    text = messages[0]["text"]
    assert text.startswith("If anyone is in immediate danger, call 999")
    assert "designated safeguarding person" in text
    assert "out-of-hours" in text.lower() or "out of hours" in text.lower()
    payload = messages[0]["custom"]
    assert payload["kind"] == "signpost" and payload["urgency"] == "emergency"
    assert any(s["phone"] == "0800 1111" and s["open_now"] for s in payload["services"])
    assert "/book_consultation" in [b["payload"] for b in messages[0]["buttons"]]
    assert events == [SlotSet("paused_form", None)]


async def test_emergency_inside_a_form_pauses_it_without_losing_it():
    messages, events = await run(ActionSafetyResponse(),
                                 tracker("risk_disclosure", "he has a knife", active_loop="booking_form"))
    assert messages[0]["text"].startswith("If anyone is in immediate danger, call 999")
    assert "paused, not lost" in messages[0]["text"]
    assert events == [SlotSet("paused_form", "booking_form"), ActiveLoop(None)]


async def test_signpost_for_a_young_person_who_wants_to_text(monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-28T23:30:00+00:00")  # Saturday night
    messages, _ = await run(ActionSignpost(), tracker("ask_helpline", "is there a helpline a young person can text"))
    payload = messages[0]["custom"]
    assert payload["kind"] == "signpost"
    names = [s["name"] for s in payload["services"]]
    assert any("Shout" in n for n in names)
    assert all(s["text"] for s in payload["services"] if s["open_now"])
    # open services are listed before closed ones
    flags = [s["open_now"] for s in payload["services"]]
    assert flags == sorted(flags, reverse=True)


def test_reading_who_the_help_is_for():
    assert read_request("a parent needs someone to talk to tonight").audience == "parent"
    assert read_request("a parent needs someone to talk to tonight").urgency == "urgent"
    assert read_request("is there a helpline a young person can text").channel == "text"
    assert read_request("is there a helpline a young person can text").audience == "young_person"
    assert read_request("advice line for me as a teacher").audience == "professional"
