"""Knowledge cards over the REST webhook (issue 15): the issue's four specific questions
get the specific answer with the section it rests on; a card's button and "tell me more"
work after it."""
import json

import pytest

from bot.knowledge.cards import get_cards
from tests.integration.conftest import customs, texts

pytestmark = pytest.mark.slow

QUESTIONS = [
    ("what is the step change the framework wants?", [["expert", "within", "inside"], ["shared"]]),
    ("what does flex up and flex down mean?", [["needs-led", "needs led"], ["refer on", "tier"]]),
    ("what three things did the Early Intervention Foundation say a whole system needs?",
     [["leadership"], ["workforce"]]),
    ("what does NEST say about adult mental health services?", [["adult"], ["parent", "famil"]]),
]


@pytest.mark.parametrize("question, groups", QUESTIONS, ids=[q for q, _ in QUESTIONS])
def test_the_issues_specific_questions_get_the_fact_and_its_section(chat, question, groups):
    reply = chat(question)
    payload = customs(reply)[0]
    assert payload["kind"] == "answer" and payload.get("card"), payload
    card = get_cards().get(payload["card"])
    text = texts(reply).lower()
    for group in groups:
        assert any(k.lower() in text for k in group), (group, text)
    section = get_cards().section_name(card.section)
    assert section.lower() in text and payload["source"] == section


def test_a_card_button_and_tell_me_more_after_a_card(chat):
    reply = chat("what does flex up and flex down mean?")
    card = get_cards().get(customs(reply)[0]["card"])
    buttons = [b for e in reply for b in e.get("buttons", [])]
    related = [b for b in buttons if '"card"' in b["payload"]]
    assert related, buttons
    chosen = json.loads("{" + related[0]["payload"].split("{", 1)[1])["card"]
    reply = chat(related[0]["payload"])
    assert customs(reply)[0]["card"] == chosen
    assert get_cards().get(chosen).answer() in texts(reply)
    reply = chat("tell me more")
    assert customs(reply)[0]["aspect"] == "more"
    assert customs(reply)[0]["topic"] == get_cards().get(chosen).topic
    assert card.id != chosen
