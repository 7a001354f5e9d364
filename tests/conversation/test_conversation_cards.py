"""Card answers in the conversation (issue 15), on built trackers (no model):
the card's text and section, its payload, related cards and the topic overview
as buttons, a choice when cards are close, and follow-ups that keep working."""
import json

from rasa_sdk.events import SlotSet

from actions.knowledge import ActionAnswerTopic, ActionClarify, ActionTopicFollowup
from bot.conversation import knowledge
from bot.knowledge import get_catalogue
from bot.knowledge.cards import get_cards
from tests.conversation.test_conversation_actions import custom, run, tracker


def ranked(decision, chosen, candidates=None):
    return {"lang": "en", "decision": decision, "chosen": list(chosen),
            "candidates": candidates or [{"card": c, "score": 0.9} for c in chosen]}


def with_cards(tr, cards):
    tr.latest_message["cards"] = cards
    return tr


def a_card_with_related():
    return next(c for c in get_cards() if c.related)


async def test_a_confident_card_is_the_answer_with_its_section_payload_and_next_steps():
    card = a_card_with_related()
    tr = with_cards(tracker(f"topic_{card.topic}"), ranked("card", [card.id]))
    messages, events = await run(ActionAnswerTopic(), tr)
    section = get_cards().section_name(card.section, "en")
    assert card.answer("en") in messages[0]["text"] and section in messages[0]["text"]
    assert get_catalogue().get(card.topic).answer("en") not in messages[0]["text"]
    assert custom(messages) == [{"kind": "answer", "topic": card.topic, "card": card.id,
                                 "source": section, "aspect": "answer"}]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    for other in card.related:
        assert f'/topic_{get_cards().get(other).topic}{json.dumps({"card": other})}' in payloads
    assert f"/topic_{card.topic}" in payloads and "/book_consultation" in payloads
    assert SlotSet("topic", card.topic) in events


async def test_a_card_button_answers_that_card_whatever_the_ranker_said():
    card = a_card_with_related()
    other = next(c for c in get_cards() if c.id != card.id)
    tr = with_cards(tracker(f"topic_{card.topic}", entities=[{"entity": "card", "value": card.id}]),
                    ranked("card", [other.id]))
    messages, _ = await run(ActionAnswerTopic(), tr)
    assert card.answer("en") in messages[0]["text"]
    assert custom(messages)[0]["card"] == card.id


async def test_in_welsh_the_card_and_its_section_are_welsh():
    card = a_card_with_related()
    tr = with_cards(tracker(f"topic_{card.topic}", slots={"language": "cy"}), ranked("card", [card.id]))
    messages, _ = await run(ActionAnswerTopic(), tr)
    assert card.answer("cy") in messages[0]["text"]
    assert get_cards().section_name(card.section, "cy") in messages[0]["text"]


async def test_close_cards_are_offered_as_a_choice_with_their_openings():
    a, b = list(get_cards())[:2]
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}]
    tr = with_cards(tracker("nlu_fallback", ranking=ranking), ranked("choice", [a.id, b.id]))
    messages, events = await run(ActionClarify(), tr)
    text = messages[0]["text"]
    assert a.title("en") in text and b.title("en") in text
    assert knowledge.gist(a.answer("en")) in text and a.answer("en") != knowledge.gist(a.answer("en"))
    assert custom(messages)[0]["kind"] == "clarify" and custom(messages)[0]["cards"] == [a.id, b.id]
    assert len([b_ for b_ in messages[0]["buttons"] if '"card"' in b_["payload"]]) == 2
    assert events == []


async def test_a_broad_question_in_a_topic_gets_the_overview_not_a_choice():
    a, b = list(get_cards())[:2]
    tr = with_cards(tracker("topic_attachment"), ranked("choice", [a.id, b.id]))
    messages, _ = await run(ActionAnswerTopic(), tr)
    assert get_catalogue().get("attachment").answer("en") in messages[0]["text"]


async def test_no_confident_card_gives_the_topic_overview():
    tr = with_cards(tracker("topic_attachment"), ranked("none", [], [{"card": "x", "score": 0.2}]))
    messages, _ = await run(ActionAnswerTopic(), tr)
    assert get_catalogue().get("attachment").answer("en") in messages[0]["text"]
    assert "card" not in custom(messages)[0]


async def test_a_fallback_message_is_answered_by_a_confident_card_or_offered_cards():
    card = a_card_with_related()
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "topic_attachment", "confidence": 0.3}]
    tr = with_cards(tracker("nlu_fallback", ranking=ranking), ranked("card", [card.id]))
    messages, events = await run(ActionClarify(), tr)
    assert card.answer("en") in messages[0]["text"]
    assert SlotSet("topic", card.topic) in events
    # not confident: a clarification that offers the likeliest cards first
    weak = ranked("none", [], [{"card": card.id, "score": 0.5}, {"card": card.related[0], "score": 0.45}])
    messages, _ = await run(ActionClarify(), with_cards(tracker("nlu_fallback", ranking=ranking), weak))
    assert custom(messages)[0]["kind"] == "clarify" and custom(messages)[0]["cards"][0] == card.id
    assert '"card"' in messages[0]["buttons"][0]["payload"]


async def test_tell_me_more_after_a_card_gives_the_topic_follow_up():
    card = a_card_with_related()
    _, events = await run(ActionAnswerTopic(), with_cards(tracker(f"topic_{card.topic}"), ranked("card", [card.id])))
    slots = {e["name"]: e["value"] for e in events}
    messages, _ = await run(ActionTopicFollowup(), tracker("tell_me_more", slots=slots))
    assert get_catalogue().get(card.topic).more("en") in messages[0]["text"]


async def test_an_unknown_card_id_from_an_old_button_falls_back_to_the_topic():
    tr = with_cards(tracker("topic_attachment", entities=[{"entity": "card", "value": "no_such_card"}]),
                    ranked("none", []))
    messages, _ = await run(ActionAnswerTopic(), tr)
    assert get_catalogue().get("attachment").answer("en") in messages[0]["text"]
