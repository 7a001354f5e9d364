"""Conversations in Welsh over the REST webhook, with both servers running:
a practice answer, a booking from start to reference, the emergency reply,
and switching language mid-conversation."""
import re

import pytest

from bot.knowledge import get_catalogue
from tests.integration.conftest import buttons, customs, texts

pytestmark = pytest.mark.slow

SETTING = "Ysgol Gynradd Pen-y-Bryn"
WELSH_DAYS = ("dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener",
              "dydd Sadwrn", "dydd Sul")
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def step(entries, name):
    found = [c for c in customs(entries) if c.get("kind") == "booking" and c.get("step") == name]
    assert found, (name, entries)
    return found[-1]


def test_a_welsh_practice_question_gets_the_welsh_answer_and_welsh_buttons(chat):
    topic = get_catalogue().get("co_regulation")
    reply = chat("Beth yw cyd-reoleiddio, a sut mae'n helpu plentyn i dawelu?")
    assert customs(reply) == [{"kind": "answer", "topic": "co_regulation",
                               "source": topic.source("cy"), "aspect": "answer"}]
    assert topic.answer("cy") in texts(reply)
    assert topic.answer("en") not in texts(reply)
    titles = {b["title"] for b in buttons(reply)}
    assert {get_catalogue().get(r).title("cy") for r in topic.related} <= titles
    assert "Book a consultation" not in titles

    reply = chat("dywedwch fwy wrtha i")                 # "tell me more", still in Welsh
    assert customs(reply)[0]["aspect"] == "more"
    assert topic.more("cy") in texts(reply)


def test_a_booking_in_welsh_from_request_to_reference_with_welsh_dates(chat):
    reply = chat("hoffwn i drefnu ymgynghoriad gyda'n gweithiwr cyswllt")
    assert "Ym mha ysgol" in texts(reply)
    reply = chat(SETTING)
    offer = step(reply, "offer")
    assert "eich gweithiwr proffesiynol cyswllt dynodedig yw" in texts(reply)
    session_titles = [b["title"] for b in buttons(reply)
                      if any(str(s["session_id"]) in b["payload"] for s in offer["sessions"])]
    assert session_titles and all(any(day in title for day in WELSH_DAYS) for title in session_titles)
    assert not any(day in title for title in session_titles for day in ENGLISH_DAYS)

    first = offer["sessions"][0]
    reply = chat('/choose_time{"session_id": "%s"}' % first["session_id"])
    assert "Beth yw eich enw" in texts(reply)
    reply = chat("Sam Jones")
    assert "Beth yw eich rôl" in texts(reply)
    reply = chat("athro dosbarth")
    assert "e-bost neu rif ffôn" in texts(reply)
    reply = chat("sam.jones@example.org")
    assert "Mewn brawddeg" in texts(reply)
    reply = chat("disgybl ym Mlwyddyn 5 sy'n bryderus iawn wrth gael ei adael yn y bore")
    summary = step(reply, "confirm")
    assert summary["session"]["session_id"] == first["session_id"]
    assert "Dyma beth fydda i'n ei archebu" in texts(reply)
    assert "Ie, archebwch" in {b["title"] for b in buttons(reply)}

    reply = chat("/affirm")
    reference = step(reply, "confirmed")["booking"]["reference"]
    assert re.fullmatch(r"NB-[0-9A-Z]{4,}", reference)
    assert f"Wedi archebu. Eich cyfeirnod yw {reference}" in texts(reply)


def test_a_welsh_disclosure_gets_the_welsh_emergency_reply_first(chat):
    chat("bore da")
    reply = chat("mae hi newydd ddweud wrtha i bod ei llystad yn ei tharo hi")
    assert reply[0]["text"].startswith("Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999")
    assert any(c.get("urgency") == "emergency" for c in customs(reply))
    assert "immediate danger" not in texts(reply)


def test_switching_language_mid_conversation_switches_the_replies(chat):
    topic = get_catalogue().get("trusted_adult")
    reply = chat("beth mae bod yn oedolyn dibynadwy yn ei olygu?")
    assert topic.answer("cy") in texts(reply)

    chat("English please")
    reply = chat("what does being a trusted adult mean?")
    assert topic.answer("en") in texts(reply)

    chat("Cymraeg")
    reply = chat("/topic_trusted_adult")                  # a button press: no words to detect
    assert topic.answer("cy") in texts(reply)
