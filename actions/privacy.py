"""Greeting and privacy actions: thin adapters over bot.privacy.notice."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, send
from actions.language import language_button
from bot.booking import BookingUnavailable
from bot.conversation import booking
from bot.conversation.messages import BotMessage, button
from bot.privacy.notice import deleted_notice, short_notice, what_we_keep
from bot.texts import t

log = logging.getLogger(__name__)


class ActionGreet(Action):
    """Hello, what the bot does, and the one-line privacy notice."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        lang = language(tracker)
        buttons = [button(t("button.greet_holding_on", lang), "topic_holding_on"),
                   button(t("button.greet_co_regulation", lang), "topic_co_regulation"),
                   button(t("button.book", lang), "book_consultation"),
                   button(t("button.capabilities", lang), "bot_capabilities"),
                   language_button(lang)]
        send(dispatcher, BotMessage(t("greet.hello", lang) + "\n\n" + short_notice(lang), buttons))
        return []


class ActionWhatWeKeep(Action):
    def name(self) -> Text:
        return "action_what_we_keep"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        send(dispatcher, BotMessage(what_we_keep(language(tracker))))
        return []


class ActionDeleteConversation(Action):
    """Marks the conversation for deletion.

    The redacting tracker store deletes every stored event of the
    conversation when it saves this action's event (bot/privacy/tracker_store.py);
    deleting here would be undone by Rasa's save at the end of the turn.
    A contact held for an unfinished booking (the server-side draft) is
    deleted here: it belongs to the conversation, not to a booking.
    """

    def name(self) -> Text:
        return "action_delete_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            booking.get_service().clear_draft(tracker.sender_id)
        except BookingUnavailable:
            log.warning("could not delete the booking draft of a deleted conversation")
        send(dispatcher, BotMessage(deleted_notice(language(tracker))))
        return []
