"""Safety and signposting actions on built trackers (no model needed)."""
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionSafetyResponse, ActionSignpost
from bot.conversation.signposting import read_request


def tracker(intent, text="...", active_loop=None, slots=None, risk=None, entities=(), events=()):
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)}
    if risk is not None:
        latest["risk"] = risk
    return Tracker("s-1", dict({"language": "en"}, **(slots or {})), latest, list(events), False, None,
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
    assert "out of office hours" in text.lower()
    payload = messages[0]["custom"]
    assert payload["kind"] == "signpost" and payload["urgency"] == "emergency"
    assert payload["safeguarding"] == "emergency"
    # no setting known: it asks which local authority, after the 999 line, with a button each
    assert payload["ask_authority"] is True
    assert text.index("999") < text.index("Which local authority area")
    authority_buttons = [b for b in messages[0]["buttons"] if b["payload"].startswith("/choose_local_authority")]
    assert len(authority_buttons) == 22
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


async def test_a_known_setting_names_its_local_authoritys_team_for_the_time(monkeypatch):
    # Ysgol Gynradd Pen-y-Bryn is in Swansea (data/directory/directory.yml)
    monkeypatch.setenv("NEST_NOW", "2026-11-24T10:00:00+00:00")      # Tuesday morning
    tr = tracker("risk_disclosure", "she said her stepdad hits her",
                 slots={"booking_setting_id": "ysgol-pen-y-bryn"}, risk={"level": "emergency", "rules": []})
    messages, _ = await run(ActionSafetyResponse(), tr)
    assert "Swansea" in messages[0]["text"] and "01792 635700" in messages[0]["text"]
    assert messages[0]["custom"]["childrens_services"]["team"] == "day"
    assert not any(b["payload"].startswith("/choose_local_authority") for b in messages[0]["buttons"])
    monkeypatch.setenv("NEST_NOW", "2026-11-24T21:00:00+00:00")      # the same evening
    messages, _ = await run(ActionSafetyResponse(), tr)
    assert "01792 775501" in messages[0]["text"] and "01792 635700" not in messages[0]["text"]


async def test_an_urgent_level_risk_gets_the_urgent_reply(monkeypatch):
    monkeypatch.setenv("NEST_NOW", "2026-11-24T10:00:00+00:00")
    messages, _ = await run(ActionSafetyResponse(), tracker(
        "risk_disclosure", "a Year 9 girl has stopped eating lunch", risk={"level": "urgent", "rules": ["eating.not_eating"]},
        slots={"local_authority": "neath_port_talbot"}))
    assert messages[0]["text"].startswith("This sounds worrying")
    assert messages[0]["custom"]["safeguarding"] == "urgent"
    assert "01639 686802" in messages[0]["text"]


async def test_an_urgent_level_risk_inside_a_form_pauses_it_too():
    messages, events = await run(ActionSafetyResponse(), tracker(
        "risk_disclosure", "she keeps talking about running away", active_loop="booking_form",
        risk={"level": "urgent", "rules": ["missing.talk"]}))
    assert messages[0]["custom"]["safeguarding"] == "urgent"
    assert "paused, not lost" in messages[0]["text"]
    assert events == [SlotSet("paused_form", "booking_form"), ActiveLoop(None)]


async def test_choosing_the_local_authority_gives_its_team_now(monkeypatch):
    from actions.safety import ActionLocalAuthority
    monkeypatch.setenv("NEST_NOW", "2026-11-24T21:00:00+00:00")
    messages, events = await run(ActionLocalAuthority(), tracker(
        "choose_local_authority", entities=[{"entity": "local_authority", "value": "swansea"}]))
    assert messages[0]["text"].startswith("If anyone is in immediate danger, call 999")
    assert "01792 775501" in messages[0]["text"] and "swansea.gov.uk" in messages[0]["text"]
    assert events == [SlotSet("local_authority", "swansea")]
    messages, events = await run(ActionLocalAuthority(), tracker(
        "choose_local_authority", entities=[{"entity": "local_authority", "value": "atlantis"}]))
    assert "don't know that local authority" in messages[0]["text"] and events == []


async def test_more_detail_after_a_safeguarding_reply_gives_the_steps_detail():
    from actions.knowledge import ActionTopicFollowup
    bot = {"event": "bot", "text": "...", "data": {"custom": {"kind": "signpost", "urgency": "emergency",
                                                             "safeguarding": "emergency", "rules": []}}}
    messages, _ = await run(ActionTopicFollowup(), tracker("tell_me_more", "/tell_me_more", events=[bot]))
    assert "safeguarding.wales" in messages[0]["text"]
    assert messages[0]["custom"]["detail"] is True
