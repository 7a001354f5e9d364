"""Helpers shared by the rasa-sdk actions (thin adapters over ``bot/``)."""
from __future__ import annotations

from typing import Iterable

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation.messages import BotMessage

DEFAULT_LANGUAGE = "en"


def language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or DEFAULT_LANGUAGE


def send(dispatcher: CollectingDispatcher, messages: Iterable[BotMessage] | BotMessage) -> None:
    if isinstance(messages, BotMessage):
        messages = [messages]
    for message in messages:
        dispatcher.utter_message(**message.as_dispatch_kwargs())


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message or {}).get("intent", {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    return next(tracker.get_latest_entity_values(entity), None)
