"""A multi-turn conversation over the REST webhook, with both servers running."""
import pytest

from bot.knowledge import get_catalogue
from tests.integration.conftest import customs, texts

pytestmark = pytest.mark.slow


def test_topic_answer_then_follow_ups_in_context(chat):
    catalogue = get_catalogue()
    topic = catalogue.get("co_regulation")

    reply = chat("hi there")
    assert "don't type a child's name" in texts(reply)

    reply = chat("how do I help a dysregulated child calm down?")
    payloads = customs(reply)
    assert payloads == [{"kind": "answer", "topic": "co_regulation",
                         "source": topic.source(), "aspect": "answer"}]
    assert topic.answer() in texts(reply)
    assert topic.source() in texts(reply)
    buttons = [b for e in reply for b in e.get("buttons", [])]
    assert {"title": "Book a consultation", "payload": "/book_consultation"} in buttons
    related_titles = {catalogue.get(r).title() for r in topic.related}
    assert related_titles <= {b["title"] for b in buttons}

    reply = chat("tell me more")
    assert customs(reply)[0]["topic"] == "co_regulation"
    assert customs(reply)[0]["aspect"] == "more"
    assert topic.more() in texts(reply)

    reply = chat("can you give an example?")
    assert customs(reply)[0]["aspect"] == "example"
    assert topic.example() in texts(reply)

    reply = chat("what about teenagers?")
    assert customs(reply)[0]["aspect"] == "teenagers"
    assert topic.for_age("teenagers") in texts(reply)


def test_related_topic_button_switches_the_context(chat):
    chat("what is holding on versus referring on?")
    reply = chat("/topic_access_routes")
    assert customs(reply)[0]["topic"] == "access_routes"
    reply = chat("tell me more")
    assert customs(reply)[0]["topic"] == "access_routes"


def test_follow_up_without_a_topic_asks_which_topic(chat):
    reply = chat("can you give me an example")
    assert customs(reply)[0]["kind"] == "clarify"


def test_gibberish_gets_a_clarification_not_an_answer(chat):
    for message in ("asdkjh qwpoeiru zzzz", "🙂", "   "):
        reply = chat(message)
        kinds = [p["kind"] for p in customs(reply)]
        assert kinds and all(k == "clarify" for k in kinds), (message, reply)


def test_out_of_scope_says_what_the_bot_can_do(chat):
    reply = chat("what dose of melatonin should a 7 year old take")
    assert customs(reply) == [{"kind": "clarify"}]
    assert "medication" in texts(reply)


def test_huge_and_odd_unicode_messages_get_a_reply(chat):
    reply = chat("what is co\u2011regulation\u200b " + "really " * 5000)
    assert reply and texts(reply)
    reply = chat("Ｗｈａｔ ｉｓ ｔｈｅ ＮＥＳＴ ｆｒａｍｅｗｏｒｋ？")
    assert customs(reply)[0].get("topic") == "nest_framework"
