"""Booking actions and forms: thin rasa-sdk adapters over bot.conversation.booking.

booking_form  setting -> session -> name -> role -> contact -> topic -> confirmation
move_form     which booking -> new session
The conversation is identified by its sender id: only the conversation that
made a booking can list, cancel or move it.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language, latest_entity, latest_intent, send
from bot.booking import (BookingUnavailable, IdentifyingDetails, InvalidDetails, NotFound,
                         SessionFull, SessionUnavailable, normalise_reference, parse_when)
from bot.booking import validation
from bot.conversation import booking as conv
from bot.conversation import knowledge
from bot.conversation.messages import BotMessage
from bot.services import get_directory
from bot.texts import t

log = logging.getLogger(__name__)

FORM_SLOTS = ("booking_session", "booking_window", "booking_confirmed", "booking_topic")
ATTEMPT_SLOT = "booking_attempt"


def _new_attempt() -> SlotSet:
    """One id per booking or move attempt, set when its form starts.

    It is the idempotency key of the confirmation: a repeated confirm of the
    same attempt returns the same booking, a new attempt makes a new one (even
    for the same session after a cancellation).
    """
    return SlotSet(ATTEMPT_SLOT, uuid.uuid4().hex)


def _attempt(tracker: Tracker) -> str:
    # a conversation whose form started before attempts existed gets a fresh one
    return tracker.get_slot(ATTEMPT_SLOT) or uuid.uuid4().hex


DIGRESSION_CONFIDENCE = 0.8
_UNLISTED = {"not listed", "unlisted", "none", "not on the list", "other", "ddim ar y rhestr",
             "heb ei restru"}
_DROP_IN_WORDS = ("drop in", "drop-in", "dropin", "drop ins", "drop-ins")


def _sender(tracker: Tracker) -> str:
    return tracker.sender_id


_FREE_TEXT_SLOTS = {"booking_setting", "booking_name", "booking_role", "booking_contact", "booking_topic"}


def _has_draft(tracker: Tracker) -> bool:
    try:
        return conv.get_service().draft_contact(_sender(tracker)) is not None
    except BookingUnavailable:
        return False


def _skip_cleared(validate):
    """Slots cleared by an action (set to None) are not answers to validate.

    rasa-sdk validates every slot set since the user's last message, including
    the ones action_booking_start resets; only real values are checked.
    """
    slot = validate.__name__[len("validate_"):]

    def wrapper(self, value, dispatcher, tracker, domain):
        if value is None:
            return {slot: None}
        if slot in _FREE_TEXT_SLOTS and str(value).startswith("/"):
            # a button press (e.g. "carry on" after the emergency reply) is not
            # an answer to a free-text question: the form asks it again
            return {slot: None}
        if value == tracker.get_slot(slot) and tracker.get_slot("requested_slot") != slot:
            # Rasa re-validates answers already given when a form is
            # (re)activated, e.g. resuming after the emergency reply: keep them
            # quietly. The contact is stored redacted ("[email]"): it stands
            # only while its server-side draft does.
            if slot != "booking_contact" or _has_draft(tracker):
                return {slot: value}
            return {slot: None}
        return validate(self, value, dispatcher, tracker, domain)

    wrapper.__name__ = validate.__name__
    return wrapper


def digression(tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
    """A practice question or a language switch in the middle of a form.

    Answer it, and the form asks its question again (the caller returns None
    for the slot).  Free-text slots take everything else as their value.
    Advice lines, "my bookings", "what you keep" and deletion never reach
    here: the slot mappings leave them out and rules answer them
    (data/stories/rules_booking.yml).
    """
    intent = (tracker.latest_message or {}).get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence") or 0.0
    if confidence < DIGRESSION_CONFIDENCE:
        return False
    lang = language(tracker)
    topic = knowledge.topic_of_intent(name)
    if topic:
        send(dispatcher, knowledge.answer(topic, lang))
        return True
    if name == "switch_language":
        # The language slot is filled from the entity; the form asks again in it.
        from actions.language import requested_language
        target = requested_language(tracker) or lang
        dispatcher.utter_message(text=t("language.switched", target))
        return True
    return False


class BookingSessionMixin:
    """Choosing a session: a button, "someone else", or free text like "Tuesday afternoon"."""

    @_skip_cleared
    def validate_booking_session(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        lang = language(tracker)
        chosen = latest_entity(tracker, "session_id")
        if chosen is None and digression(tracker, dispatcher):
            return {"booking_session": None}
        if chosen == conv.OTHERS:
            return {"booking_session": None, "booking_any": True, "booking_window": None}
        service = conv.get_service()
        if chosen is None and str(value or "").strip().isdigit():
            chosen = str(value).strip()
        if chosen is not None and str(chosen).isdigit():
            try:
                session = service.get_session(int(chosen))
                available = {s.session_id for s in service.available_sessions(
                    professional_id=session.professional_id if session else None, limit=200)}
            except BookingUnavailable:
                send(dispatcher, conv.database_down(lang))
                return {"booking_session": None}
            if session is not None and session.session_id in available:
                return {"booking_session": str(session.session_id)}
            send(dispatcher, conv.unavailable_session(service.alternatives(int(chosen)), lang))
            return {"booking_session": None}
        text = str(value or "")
        if parse_when(text, service.now()) is not None:
            return {"booking_session": None, "booking_window": text}
        dispatcher.utter_message(text=t("booking.time_not_understood", lang))
        return {"booking_session": None}


class ValidateBookingForm(BookingSessionMixin, FormValidationAction):
    def name(self) -> Text:
        return "validate_booking_form"

    @_skip_cleared
    def validate_booking_setting(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if digression(tracker, dispatcher):
            return {"booking_setting": None}
        lang = language(tracker)
        query = str(value or "").strip()
        if query.lower() in _UNLISTED:
            dispatcher.utter_message(text=t("booking.setting_unlisted", lang))
            return {"booking_setting": t("booking.setting_unlisted_name", lang), "booking_any": True,
                    "booking_setting_id": None, "booking_professional": None}
        try:
            setting_name = validation.check_setting(query)
            setting, professionals = conv.get_service().professionals_for_setting(query)
        except InvalidDetails:
            dispatcher.utter_message(text=t("booking.setting_not_found", lang, query=query[:60]))
            return {"booking_setting": None}
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return {"booking_setting": None}
        if setting is None:
            if tracker.get_slot("booking_any"):
                return {"booking_setting": setting_name, "booking_setting_id": None,
                        "booking_professional": None}
            dispatcher.utter_message(text=t("booking.setting_not_found", lang, query=query[:60]))
            return {"booking_setting": None}
        named = professionals[0]
        dispatcher.utter_message(text=t("booking.setting_found", lang, setting=setting.name,
                                        professional=named.name, role=named.role_in(lang)))
        return {"booking_setting": setting.name, "booking_setting_id": setting.id,
                "booking_professional": named.id}

    def _details(self, slot: str, check, value: Any, dispatcher: CollectingDispatcher,
                 tracker: Tracker) -> Dict[Text, Any]:
        if digression(tracker, dispatcher):
            return {slot: None}
        try:
            return {slot: check(value)}
        except InvalidDetails:
            dispatcher.utter_message(text=t(f"booking.invalid.{slot.split('_', 1)[1]}", language(tracker)))
            return {slot: None}

    @_skip_cleared
    def validate_booking_name(self, value, dispatcher, tracker, domain):
        return self._details("booking_name", validation.check_name, value, dispatcher, tracker)

    @_skip_cleared
    def validate_booking_role(self, value, dispatcher, tracker, domain):
        return self._details("booking_role", validation.check_role, value, dispatcher, tracker)

    @_skip_cleared
    def validate_booking_contact(self, value, dispatcher, tracker, domain):
        if digression(tracker, dispatcher):
            return {"booking_contact": None}
        try:
            # Held server-side: the conversation store redacts contact details.
            return {"booking_contact": conv.get_service().save_contact(_sender(tracker), str(value or ""))}
        except InvalidDetails:
            dispatcher.utter_message(text=t("booking.invalid.contact", language(tracker)))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(language(tracker)))
        return {"booking_contact": None}

    @_skip_cleared
    def validate_booking_topic(self, value, dispatcher, tracker, domain):
        lang = language(tracker)
        try:
            return {"booking_topic": validation.check_topic(value)}
        except IdentifyingDetails as exc:
            kinds = ", ".join(t(f"privacy.kind.{k}", lang) for k in sorted(set(exc.kinds)))
            dispatcher.utter_message(text=t("booking.identifying", lang, kinds=kinds))
        except InvalidDetails:
            dispatcher.utter_message(text=t("booking.invalid.topic", lang))
        return {"booking_topic": None}

    @_skip_cleared
    def validate_booking_confirmed(self, value, dispatcher, tracker, domain):
        intent = latest_intent(tracker)
        if intent == "affirm":
            return {"booking_confirmed": True}
        if intent == "deny":
            return {"booking_confirmed": False}
        if intent in {"choose_time", "move_booking"}:
            return {"booking_confirmed": None, "booking_session": None, "booking_window": None}
        if digression(tracker, dispatcher):
            return {"booking_confirmed": None}
        dispatcher.utter_message(text=t("booking.confirm_again", language(tracker)))
        return {"booking_confirmed": None}


class ValidateMoveForm(BookingSessionMixin, FormValidationAction):
    def name(self) -> Text:
        return "validate_move_form"

    @_skip_cleared
    def validate_move_reference(self, value, dispatcher, tracker, domain):
        reference = normalise_reference(latest_entity(tracker, "booking_reference") or str(value or ""))
        lang = language(tracker)
        if reference is None:
            dispatcher.utter_message(text=t("booking.not_found", lang, reference=str(value or "")[:20]))
            return {"move_reference": None}
        try:
            conv.get_service().booking(reference, _sender(tracker))
        except NotFound:
            send(dispatcher, conv.not_found(reference, lang))
            return {"move_reference": None}
        return {"move_reference": reference}


class ActionAskBookingSession(Action):
    """Offer the next free sessions: the named link professional first."""

    def name(self) -> Text:
        return "action_ask_booking_session"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        service = conv.get_service()
        professional_id, kind = tracker.get_slot("booking_professional"), tracker.get_slot("booking_kind")
        if (tracker.active_loop or {}).get("name") == "move_form" and tracker.get_slot("move_reference"):
            try:
                current = service.booking(tracker.get_slot("move_reference"), _sender(tracker))
                professional_id, kind = current.professional_id, current.kind
            except (NotFound, BookingUnavailable):
                pass
        if tracker.get_slot("booking_any"):
            professional_id = None
        raw_window = tracker.get_slot("booking_window")
        try:
            window = parse_when(raw_window, service.now()) if raw_window else None
            sessions = service.available_sessions(professional_id=professional_id, kind=kind,
                                                  window=window)
            if window is not None and not sessions:
                sessions = service.available_sessions(professional_id=professional_id, kind=kind)
                send(dispatcher, conv.offer(sessions, lang, intro=t("booking.none_in_window", lang)))
                return [SlotSet("booking_window", None)]
            named = service.professional(professional_id) if professional_id else None
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return []
        intro = t("booking.offer_window", lang, when_asked=raw_window) if window is not None else None
        send(dispatcher, conv.offer(sessions, lang, professional=named.name if named else None,
                                    intro=intro, allow_others=professional_id is not None))
        return []


class _Ask(Action):
    key = ""
    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain):
        values = {}
        if "{professional}" in t(self.key, "en"):
            pid = tracker.get_slot("booking_professional")
            try:
                named = conv.get_service().professional(pid) if pid else None
            except BookingUnavailable:
                named = None
            values["professional"] = named.name if named else t("booking.the_professional", language(tracker))
        dispatcher.utter_message(text=t(self.key, language(tracker), **values))
        return []


class ActionAskBookingSetting(_Ask):
    key, slot = "booking.ask_setting", "booking_setting"


class ActionAskBookingName(_Ask):
    key, slot = "booking.ask_name", "booking_name"


class ActionAskBookingRole(_Ask):
    key, slot = "booking.ask_role", "booking_role"


class ActionAskBookingContact(_Ask):
    key, slot = "booking.ask_contact", "booking_contact"


class ActionAskBookingTopic(_Ask):
    key, slot = "booking.ask_topic", "booking_topic"


class ActionAskBookingConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        service = conv.get_service()
        try:
            session = service.get_session(int(tracker.get_slot("booking_session")))
            contact = service.draft_contact(_sender(tracker))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return []
        if contact is None:  # the held contact expired: ask again
            dispatcher.utter_message(text=t("booking.ask_contact_again", lang))
            return [SlotSet("booking_contact", None), SlotSet("requested_slot", "booking_contact")]
        send(dispatcher, conv.summary(session, name=tracker.get_slot("booking_name"),
                                      role=tracker.get_slot("booking_role"),
                                      setting=tracker.get_slot("booking_setting"),
                                      contact=contact, topic=tracker.get_slot("booking_topic"),
                                      lang=lang))
        return []


def _back_to_choosing(form: str, message: BotMessage, dispatcher) -> List[EventType]:
    """Offer other sessions and re-open the form at the session question."""
    send(dispatcher, message)
    return [SlotSet("booking_session", None), SlotSet("booking_confirmed", None),
            SlotSet("booking_window", None), ActiveLoop(form),
            SlotSet("requested_slot", "booking_session")]


class ActionBookingSubmit(Action):
    def name(self) -> Text:
        return "action_booking_submit"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        reset = [SlotSet(s, None) for s in FORM_SLOTS]
        if tracker.get_slot("booking_confirmed") is not True:
            dispatcher.utter_message(text=t("booking.not_booked", lang))
            return reset
        service = conv.get_service()
        session_id = int(tracker.get_slot("booking_session"))
        sender = _sender(tracker)
        try:
            contact = service.draft_contact(sender)
            # One booking per attempt: a repeated or concurrent confirmation
            # of this attempt makes one booking.
            booking = service.book(
                session_id, name=tracker.get_slot("booking_name"), role=tracker.get_slot("booking_role"),
                setting=tracker.get_slot("booking_setting"), contact=contact or "",
                topic=tracker.get_slot("booking_topic"), conversation_id=sender,
                idempotency_key=f"book:{_attempt(tracker)}")
        except SessionFull:
            return _back_to_choosing("booking_form", conv.taken(service.alternatives(session_id), lang), dispatcher)
        except SessionUnavailable:
            return _back_to_choosing("booking_form", conv.unavailable_session(service.alternatives(session_id), lang),
                                     dispatcher)
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return [SlotSet("booking_confirmed", None), ActiveLoop("booking_form"),
                    SlotSet("requested_slot", "booking_confirmed")]
        service.clear_draft(sender)
        send(dispatcher, conv.confirmed(booking, lang))
        return reset + [SlotSet("booking_contact", None), SlotSet(ATTEMPT_SLOT, None)]


class ActionBookingStart(Action):
    """A fresh booking: keeps who you are, forgets the last session chosen."""

    def name(self) -> Text:
        return "action_booking_start"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        text = ((tracker.latest_message or {}).get("text") or "").lower()
        events: List[EventType] = [SlotSet(s, None) for s in FORM_SLOTS]
        events += [_new_attempt(), SlotSet("booking_any", False), SlotSet("paused_form", None),
                   SlotSet("booking_kind", "drop_in" if any(w in text for w in _DROP_IN_WORDS) else None)]
        window = parse_when(text, conv.get_service().now()) if text and not text.startswith("/") else None
        if window is not None and not window.first_available:
            events.append(SlotSet("booking_window", text))
        try:
            if conv.get_service().draft_contact(_sender(tracker)) is None:
                events.append(SlotSet("booking_contact", None))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return events
        status = get_directory().consultation_status(lang=lang)
        if status.open_now is False:
            # Out of hours: say the line is closed, when it reopens, what is open now.
            send(dispatcher, BotMessage(status.text, [], status.payload))
        return events


class ActionBookingStop(Action):
    """"Stop": ends the booking or move in progress, or says there is none.

    In progress means a form was just deactivated by the stop rule, or a form
    is paused after the emergency reply.  "Stop" after a completed booking
    must not claim that nothing was booked.
    """

    def name(self) -> Text:
        return "action_booking_stop"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        paused = tracker.get_slot("paused_form")
        stopped_form = tracker.latest_action_name == "action_deactivate_loop" or paused
        if not stopped_form:
            send(dispatcher, conv.nothing_to_stop(lang))
            return []
        moving = paused == "move_form" or (not paused and tracker.get_slot("move_reference"))
        dispatcher.utter_message(text=t("booking.move_stopped" if moving else "booking.stopped", lang))
        return [SlotSet(s, None) for s in FORM_SLOTS] + [SlotSet("paused_form", None),
                                                          SlotSet("move_reference", None),
                                                          SlotSet(ATTEMPT_SLOT, None)]


class ActionResumeForm(Action):
    """After the emergency reply: carry on with the paused booking."""

    def name(self) -> Text:
        return "action_resume_form"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet("paused_form", None)]


class ActionListBookings(Action):
    def name(self) -> Text:
        return "action_list_bookings"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        try:
            send(dispatcher, conv.listing(conv.get_service().bookings_for(_sender(tracker)), lang))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
        return []


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        service = conv.get_service()
        reference = latest_entity(tracker, "booking_reference")
        try:
            if reference is None:
                send(dispatcher, conv.choose_booking(service.bookings_for(_sender(tracker)), "cancel_booking", lang))
                return []
            send(dispatcher, conv.cancelled(service.cancel(reference, _sender(tracker)), lang))
        except NotFound:
            send(dispatcher, conv.not_found(str(reference), lang))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
        return []


class ActionMoveStart(Action):
    def name(self) -> Text:
        return "action_move_start"

    async def run(self, dispatcher, tracker, domain):
        events: List[EventType] = [_new_attempt(), SlotSet("booking_session", None),
                                   SlotSet("booking_window", None), SlotSet("booking_any", False),
                                   SlotSet("move_reference", None)]
        reference = latest_entity(tracker, "booking_reference")
        try:
            mine = [b for b in conv.get_service().bookings_for(_sender(tracker)) if b.status == "booked"]
        except BookingUnavailable:
            send(dispatcher, conv.database_down(language(tracker)))
            return events
        if reference is None and len(mine) == 1:
            reference = mine[0].reference
        if reference is not None:
            events[-1] = SlotSet("move_reference", normalise_reference(reference) or reference)
        return events


class ActionAskMoveReference(Action):
    def name(self) -> Text:
        return "action_ask_move_reference"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        try:
            send(dispatcher, conv.choose_booking(conv.get_service().bookings_for(_sender(tracker)),
                                                 "move_booking", lang))
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
        return []


class ActionMoveSubmit(Action):
    def name(self) -> Text:
        return "action_move_submit"

    async def run(self, dispatcher, tracker, domain):
        lang = language(tracker)
        service = conv.get_service()
        reference, session_id = tracker.get_slot("move_reference"), int(tracker.get_slot("booking_session"))
        done = [SlotSet("move_reference", None), SlotSet("booking_session", None),
                SlotSet("booking_window", None)]
        try:
            booking = service.move(reference, session_id, _sender(tracker),
                                   idempotency_key=f"move:{_attempt(tracker)}")
        except SessionFull:
            return _back_to_choosing("move_form", conv.taken(service.alternatives(session_id), lang), dispatcher)
        except SessionUnavailable:
            return _back_to_choosing("move_form", conv.unavailable_session(service.alternatives(session_id), lang),
                                     dispatcher)
        except NotFound:
            send(dispatcher, conv.not_found(reference, lang))
            return done
        except BookingUnavailable:
            send(dispatcher, conv.database_down(lang))
            return done
        send(dispatcher, conv.moved(booking, lang))
        return done + [SlotSet(ATTEMPT_SLOT, None)]
