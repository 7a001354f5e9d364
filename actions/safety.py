"""Safety and signposting actions: thin adapters over bot.conversation.signposting."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, send
from bot.conversation import signposting


class ActionSafetyResponse(Action):
    """Risk to a child detected: emergency and safeguarding steps first.

    Runs whatever the classifier thought the message meant (the risk detector
    overrides the intent) and inside a form too: the form is paused, its
    answers kept, and the practitioner is asked whether to carry on.
    """

    def name(self) -> Text:
        return "action_safety_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        active = (tracker.active_loop or {}).get("name")
        send(dispatcher, signposting.emergency(language(tracker), form_paused=bool(active)))
        if active:
            return [SlotSet("paused_form", active), ActiveLoop(None)]
        return [SlotSet("paused_form", None)]


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        send(dispatcher, signposting.signpost(text, language(tracker)))
        return []
