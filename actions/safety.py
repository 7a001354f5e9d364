"""Safety and signposting actions: thin adapters over bot.conversation.signposting."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, latest_entity, send
from bot.conversation import signposting
from bot.texts import t

log = logging.getLogger(__name__)


def authority_of(tracker: Tracker):
    """The local authority the practitioner's concern is in: the one they chose
    after a safeguarding reply, else their setting's (from a booking), else None."""
    from bot.services.authorities import get_authorities
    authorities = get_authorities()
    chosen = tracker.get_slot("local_authority")
    if chosen in authorities:
        return authorities[chosen]
    setting_id = tracker.get_slot("booking_setting_id")
    if setting_id:
        try:
            setting = next((s for s in _settings() if s.id == setting_id), None)
            if setting is not None and setting.local_authority in authorities:
                return authorities[setting.local_authority]
        except Exception:  # a broken directory file must never block the safety reply
            log.exception("could not read the setting's local authority")
    return None


_SETTINGS = None


def _settings():
    global _SETTINGS
    if _SETTINGS is None:
        from bot.booking.directory import load_directory
        _SETTINGS = load_directory().settings
    return _SETTINGS


class ActionSafetyResponse(Action):
    """Risk to a child detected: the safeguarding reply first, at its level.

    Runs whatever the classifier thought the message meant (the risk detector
    overrides the intent) and inside a form too: the form is paused, its
    answers kept, and the practitioner is asked whether to carry on.
    """

    def name(self) -> Text:
        return "action_safety_response"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        active = (tracker.active_loop or {}).get("name")
        risk = (tracker.latest_message or {}).get("risk") or {}
        level = risk.get("level") if risk.get("level") in ("emergency", "urgent") else "emergency"
        try:
            authority = authority_of(tracker)
        except Exception:
            log.exception("local authority look-up failed")
            authority = None
        send(dispatcher, signposting.emergency(language(tracker), form_paused=bool(active),
                                               level=level, authority=authority,
                                               rules=risk.get("rules") or ()))
        if active:
            return [SlotSet("paused_form", active), ActiveLoop(None)]
        return [SlotSet("paused_form", None)]


class ActionLocalAuthority(Action):
    """The local authority chosen after a safeguarding reply: its team to call now."""

    def name(self) -> Text:
        return "action_local_authority"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        from bot.services.authorities import find_authority, get_authorities
        lang = language(tracker)
        value: Optional[str] = latest_entity(tracker, "local_authority")
        authority = get_authorities().get(value or "") or find_authority(value or "")
        if authority is None:
            dispatcher.utter_message(text=t("safety.authority_unknown", lang))
            return []
        send(dispatcher, signposting.authority_contacts(authority, lang))
        return [SlotSet("local_authority", authority.id)]


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        send(dispatcher, signposting.signpost(text, language(tracker)))
        return []
