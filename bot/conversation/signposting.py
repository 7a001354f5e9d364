"""Signposting requests and the emergency reply, in plain Python (issue 5).

The wording and the services come from data/services/services.yml (through
bot.services) and data/texts/messages.yml; this module only decides which
reply fits a request and which buttons follow it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.conversation.messages import BotMessage, button
from bot.nlu.normalise import tokenize
from bot.services import get_directory
from bot.texts import t

# Lemma cues (after bot.nlu.normalise) for who the help is for and how.
_YOUNG = {"child", "children", "pupil", "student", "teenager", "young", "kid", "boy", "girl",
          "learner", "she", "he", "they", "plentyn", "person"}
_PARENT = {"parent", "mum", "dad", "carer", "family", "foster", "grandparent", "guardian", "rhiant"}
_PROFESSIONAL = {"i", "me", "myself", "staff", "colleague", "professional", "teacher", "worker"}
_TEXT = {"text", "sms", "message", "txt", "chat", "whatsapp", "type", "tecst", "neges"}
_PHONE = {"call", "phone", "ring", "talk", "speak", "number", "line", "ffonio"}
_URGENT = {"now", "tonight", "urgent", "urgently", "asap", "immediately", "today", "weekend",
           "evening", "night", "heno", "nawr"}


@dataclass(frozen=True)
class SignpostRequest:
    audience: Optional[str]   # young_person | parent | professional | None (anyone)
    channel: Optional[str]    # text | phone | None
    urgency: str              # urgent | routine


def read_request(text: str) -> SignpostRequest:
    """Who the help is for, how they want to reach it, and how soon."""
    lemmas = {tok.lemma for tok in tokenize(text or "")}
    words = " ".join(tok.lemma for tok in tokenize(text or ""))
    if lemmas & _PARENT:
        audience = "parent"
    elif lemmas & _YOUNG or "young person" in words:
        audience = "young_person"
    elif lemmas & _PROFESSIONAL:
        audience = "professional"
    else:
        audience = None
    channel = "text" if lemmas & _TEXT else None
    urgency = "urgent" if lemmas & _URGENT else "routine"
    return SignpostRequest(audience, channel, urgency)


def signpost(text: str, lang: str = "en", at=None) -> BotMessage:
    request = read_request(text)
    reply = get_directory().signpost(urgency=request.urgency, audience=request.audience,
                                     channel=request.channel, at=at, lang=lang)
    buttons = [button(t("button.book", lang), "book_consultation"),
               button(t("button.access_routes", lang), "topic_access_routes")]
    return BotMessage(reply.text, buttons, reply.payload)


def emergency(lang: str = "en", at=None, form_paused: bool = False) -> BotMessage:
    """The emergency and safeguarding steps, always first when risk is detected."""
    reply = get_directory().emergency_reply(at=at, lang=lang)
    if form_paused:
        follow = t("safety.resume_question", lang)
        buttons = [button(t("button.resume_booking", lang), "affirm"),
                   button(t("button.stop_booking", lang), "deny")]
    else:
        follow = t("safety.offer", lang)
        buttons = [button(t("button.urgent_consultation", lang), "book_consultation"),
                   button(t("button.more_lines", lang), "ask_helpline")]
    return BotMessage(reply.text + "\n\n" + follow, buttons, reply.payload)
