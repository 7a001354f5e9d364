"""Knowledge actions, run on built trackers with a real dispatcher (no model)."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import ActionAnswerTopic, ActionClarify, ActionTopicFollowup
from bot.knowledge import REQUIRED_TOPIC_IDS, get_catalogue


def tracker(intent, *, slots=None, entities=(), ranking=None, text="..."):
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9},
              "entities": list(entities),
              "intent_ranking": ranking if ranking is not None else [{"name": intent, "confidence": 0.9}]}
    return Tracker("sender-1", dict({"language": "en"}, **(slots or {})), latest, [], False, None, {}, "action_listen")


async def run(action, tr):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tr, {})
    return dispatcher.messages, events


def custom(messages):
    return [m["custom"] for m in messages if m.get("custom")]


@pytest.mark.parametrize("topic_id", REQUIRED_TOPIC_IDS)
async def test_every_topic_is_answered_with_its_source_and_payload(topic_id):
    topic = get_catalogue().get(topic_id)
    messages, events = await run(ActionAnswerTopic(), tracker(f"topic_{topic_id}"))
    assert custom(messages) == [{"kind": "answer", "topic": topic_id, "source": topic.source(), "aspect": "answer"}]
    assert topic.answer() in messages[0]["text"] and topic.source() in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert "/book_consultation" in payloads
    assert all(f"/topic_{r}" in payloads for r in topic.related)
    assert SlotSet("topic", topic_id) in events


async def test_tell_me_more_uses_the_topic_in_context_then_moves_on():
    topic = get_catalogue().get("attachment")
    messages, events = await run(ActionTopicFollowup(),
                                 tracker("tell_me_more", slots={"topic": "attachment", "topic_aspects": ["answer"]}))
    assert topic.more() in messages[0]["text"]
    assert custom(messages)[0]["aspect"] == "more"
    assert events == [SlotSet("topic_aspects", ["answer", "more"])]
    # asking for more again does not repeat the same text
    messages, _ = await run(ActionTopicFollowup(),
                            tracker("tell_me_more", slots={"topic": "attachment", "topic_aspects": ["answer", "more"]}))
    assert topic.more() not in messages[0]["text"]
    assert topic.example() in messages[0]["text"]


async def test_age_follow_up_reads_the_entity_or_asks_which_age():
    topic = get_catalogue().get("transitions")
    messages, _ = await run(ActionTopicFollowup(), tracker(
        "ask_age_group", slots={"topic": "transitions"},
        entities=[{"entity": "age_group", "value": "teenagers"}]))
    assert topic.for_age("teenagers") in messages[0]["text"]
    messages, events = await run(ActionTopicFollowup(), tracker("ask_age_group", slots={"topic": "transitions"}))
    assert custom(messages)[0]["kind"] == "clarify"
    assert {b["title"] for b in messages[0]["buttons"]} == {"Younger children", "Teenagers"}
    assert events == []


async def test_follow_up_with_no_topic_yet_asks_instead_of_guessing():
    messages, events = await run(ActionTopicFollowup(), tracker("give_example"))
    assert custom(messages)[0]["kind"] == "clarify"
    assert events == []


async def test_clarify_offers_the_likeliest_topics_best_first():
    ranking = [{"name": "nlu_fallback", "confidence": 0.55},
               {"name": "topic_attachment", "confidence": 0.41},
               {"name": "greet", "confidence": 0.2},
               {"name": "topic_trusted_adult", "confidence": 0.3},
               {"name": "topic_co_regulation", "confidence": 0.1},
               {"name": "topic_inclusion", "confidence": 0.01}]
    messages, _ = await run(ActionClarify(), tracker("nlu_fallback", ranking=ranking))
    assert custom(messages) == [{"kind": "clarify", "options": ["attachment", "trusted_adult", "co_regulation"]}]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:3] == ["/topic_attachment", "/topic_trusted_adult", "/topic_co_regulation"]


async def test_clarify_with_nothing_topic_like_explains_what_the_bot_does():
    messages, _ = await run(ActionClarify(), tracker("nlu_fallback", ranking=[{"name": "greet", "confidence": 0.4}]))
    assert custom(messages) == [{"kind": "clarify", "options": []}]
    assert "book a consultation" in messages[0]["text"]


async def test_clarify_as_the_dialogue_fallback_forgets_the_turn_so_the_bot_listens():
    from rasa_sdk.events import UserUtteranceReverted
    messages, events = await run(ActionClarify(), tracker("switch_language", ranking=[{"name": "switch_language", "confidence": 0.9}]))
    assert messages and messages[0]["custom"]["kind"] == "clarify"
    assert events == [UserUtteranceReverted()]
    _, events = await run(ActionClarify(), tracker("nlu_fallback", ranking=[]))
    assert events == []
