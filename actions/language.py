"""Choosing the conversation's language: a thin adapter over bot.language.

``action_switch_language`` answers the intent ``switch_language`` ("Cymraeg",
"in English please", "siarad Cymraeg", the Cymraeg/English buttons): it sets the
``language`` slot and confirms in the new language.  Without a recognisable
language in the message it switches to the other language.

``language_button(lang)`` is the button that offers the other language, for the
greeting and the confirmation.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, send
from bot.conversation.messages import BotMessage, button
from bot.language import normalise_language, other_language
from bot.texts import t


def language_button(lang: str) -> Dict[str, str]:
    """The button offering the other language: "Cymraeg" in English, "English" in Welsh."""
    other = other_language(lang)
    return button(t(f"button.language_{other}", lang), "switch_language", language=other)


def requested_language(tracker: Tracker) -> Optional[str]:
    """The language asked for in the latest message, if it names one."""
    for value in tracker.get_latest_entity_values("language"):
        code = normalise_language(value)
        if code:
            return code
    text = (tracker.latest_message or {}).get("text") or ""
    named = {normalise_language(w) for w in re.findall(r"[^\W\d_]+", text)} - {None}
    return named.pop() if len(named) == 1 else None


class ActionSwitchLanguage(Action):
    def name(self) -> Text:
        return "action_switch_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        target = requested_language(tracker) or other_language(language(tracker))
        send(dispatcher, BotMessage(t("language.switched", target),
                                    [button(t("button.capabilities", target), "bot_capabilities"),
                                     language_button(target)]))
        return [SlotSet("language", target)]
