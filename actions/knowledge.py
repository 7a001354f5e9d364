"""Knowledge answers: thin rasa-sdk adapters over bot.conversation.knowledge."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, latest_entity, latest_intent, send
from bot.conversation import knowledge, signposting


class ActionAnswerTopic(Action):
    """A practice question: the card that answers it, a choice of cards, the
    topic's overview or a clarification (bot.conversation.knowledge.answer_question)."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        lang = language(tracker)
        intent = latest_intent(tracker)
        card_id = latest_entity(tracker, knowledge.CARD_ENTITY)
        if card_id and card_id in knowledge.get_cards():
            # A card's button: that card, whatever else the message held.
            send(dispatcher, knowledge.card_answer(card_id, lang))
            topic = knowledge.get_cards().get(card_id).topic
            return [SlotSet("topic", topic), SlotSet("topic_aspects", ["answer"])]
        latest = tracker.latest_message or {}
        message, topic_id, _card = knowledge.answer_question(
            intent, latest.get("intent_ranking", []), latest.get("cards"), lang)
        send(dispatcher, message)
        if topic_id is None:
            return []
        return [SlotSet("topic", topic_id), SlotSet("topic_aspects", ["answer"])]


def _after_safeguarding(tracker: Tracker):
    """The last safeguarding payload, when the bot's last message belongs to a
    safeguarding reply (the reply itself, or the local authority chosen after it)."""
    customs = [((e.get("data") or {}).get("custom") or {}) for e in tracker.events
               if e.get("event") == "bot"]
    if not customs:
        return None
    last = customs[-1]
    if last.get("kind") != "signpost" or not (last.get("safeguarding") or last.get("childrens_services")):
        return None
    return next((c for c in reversed(customs) if c.get("safeguarding")), last)


class ActionTopicFollowup(Action):
    def name(self) -> Text:
        return "action_topic_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        safeguarding = _after_safeguarding(tracker)
        if safeguarding is not None and latest_intent(tracker) == "tell_me_more":
            # "More detail" under a safeguarding reply: the steps' detail and sources
            send(dispatcher, signposting.safeguarding_detail(
                safeguarding.get("safeguarding") or "emergency", language(tracker),
                safeguarding.get("rules") or ()))
            return []
        aspect = knowledge.FOLLOWUP_INTENTS.get(latest_intent(tracker) or "", "more")
        given = list(tracker.get_slot("topic_aspects") or [])
        message, delivered = knowledge.follow_up(
            tracker.get_slot("topic"), aspect,
            age_group=latest_entity(tracker, "age_group"),
            given=given, lang=language(tracker))
        send(dispatcher, message)
        if delivered and delivered not in given:
            return [SlotSet("topic_aspects", given + [delivered])]
        return []


class ActionClarify(Action):
    """Low NLU confidence (nlu_fallback) or an unexpected turn: ask, never guess."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        ranking = latest.get("intent_ranking", [])
        if latest_intent(tracker) == "nlu_fallback":
            # The classifier could not choose a topic, but the card ranker ran
            # too: a confident card answers, else ask with topics and cards.
            message, topic_id, _card = knowledge.answer_question(
                "nlu_fallback", ranking, latest.get("cards"), language(tracker))
            send(dispatcher, message)
            if topic_id is not None:
                return [SlotSet("topic", topic_id), SlotSet("topic_aspects", ["answer"])]
            return []
        send(dispatcher, knowledge.clarify(ranking, language(tracker)))
        if latest_intent(tracker) != "nlu_fallback":
            # Used as the dialogue's fallback (no rule fits this turn): forget
            # the turn, as Rasa's default fallback does, so the bot listens
            # again instead of predicting the fallback over and over.
            return [UserUtteranceReverted()]
        return []
