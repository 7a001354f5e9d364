"""The language follows the practitioner: the NLU component tags clear Welsh or
English messages with a `language` entity, leaves short or mixed ones alone, and
defers to an explicit request; action_switch_language sets the slot and confirms
in the new language."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionSwitchLanguage, language_button
from bot.nlu.language_detector import LanguageDetector
from bot.texts import t


def message(text, intent="topic_holding_on", entities=()):
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                         "entities": list(entities)})


def language_entities(text, **kwargs):
    [processed] = LanguageDetector.create({}, None, None, None).process([message(text, **kwargs)])
    return [e for e in processed.get("entities") if e["entity"] == "language"]


def test_a_welsh_question_is_tagged_welsh_over_the_whole_message():
    text = "Sut alla i helpu plentyn sy'n bryderus yn y bore?"
    [entity] = language_entities(text)
    assert (entity["value"], entity["start"], entity["end"], entity["extractor"]) == ("cy", 0, len(text),
                                                                                      "LanguageDetector")


def test_an_english_question_is_tagged_english():
    assert [e["value"] for e in language_entities("How can I help a child who is anxious in the morning?")] == ["en"]


@pytest.mark.parametrize("text", ["ok", "diolch", "thanks", "CAMHS?", "Ysgol Gyfun Gymraeg Plasmawr",
                                  "Rhodri Llewelyn", "9am", "diolch yn fawr"])
def test_short_or_ambiguous_messages_do_not_set_the_language(text):
    assert language_entities(text) == []


def test_an_english_request_for_welsh_is_not_overridden():
    # "can you answer in Welsh" is English text, but the intent asks for Welsh
    assert language_entities("can you answer in Welsh please", intent="switch_language") == []
    existing = [{"entity": "language", "value": "cy", "start": 22, "end": 27, "extractor": "DIETClassifier"}]
    assert language_entities("could you reply to me in Welsh from now on", entities=existing) == existing


def test_the_threshold_is_configurable():
    detector = LanguageDetector.create({"threshold": 0.5}, None, None, None)
    [processed] = detector.process([message("diolch")])
    assert [e["value"] for e in processed.get("entities")] == ["cy"]


def tracker(text, *, language="en", entities=()):
    latest = {"text": text, "intent": {"name": "switch_language", "confidence": 1.0}, "entities": list(entities)}
    return Tracker("sender-1", {"language": language}, latest, [], False, None, {}, "action_listen")


async def run(tr):
    dispatcher = CollectingDispatcher()
    events = await ActionSwitchLanguage().run(dispatcher, tr, {})
    return dispatcher.messages, events


async def test_the_cymraeg_button_switches_to_welsh_and_confirms_in_welsh():
    messages, events = await run(tracker('/switch_language{"language": "cy"}',
                                         entities=[{"entity": "language", "value": "cy"}]))
    assert events == [SlotSet("language", "cy")]
    assert messages[0]["text"] == t("language.switched", "cy")
    assert "Gymraeg" in messages[0]["text"]
    # the way back is offered, in the new language
    assert {"title": "English", "payload": '/switch_language{"language": "en"}'} in messages[0]["buttons"]


async def test_asking_for_english_in_welsh_switches_back_to_english():
    messages, events = await run(tracker("yn Saesneg plis", language="cy",
                                         entities=[{"entity": "language", "value": "Saesneg"}]))
    assert events == [SlotSet("language", "en")]
    assert messages[0]["text"] == t("language.switched", "en")


async def test_a_language_named_without_an_entity_is_still_understood():
    _, events = await run(tracker("siarad Cymraeg"))
    assert events == [SlotSet("language", "cy")]
    _, events = await run(tracker("English please", language="cy"))
    assert events == [SlotSet("language", "en")]


async def test_change_language_without_naming_one_switches_to_the_other():
    _, events = await run(tracker("can we change the language", language="en"))
    assert events == [SlotSet("language", "cy")]
    _, events = await run(tracker("newid iaith", language="cy"))
    assert events == [SlotSet("language", "en")]


def test_the_greeting_button_offers_the_other_language():
    assert language_button("en") == {"title": "Cymraeg", "payload": '/switch_language{"language": "cy"}'}
    assert language_button("cy") == {"title": "English", "payload": '/switch_language{"language": "en"}'}
