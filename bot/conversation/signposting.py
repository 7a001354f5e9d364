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


def _authority_buttons(lang: str) -> list:
    from bot.services.authorities import get_authorities
    return [button(a.name_in(lang), "choose_local_authority", local_authority=a.id)
            for a in sorted(get_authorities().values(), key=lambda a: a.name_in(lang))]


def emergency(lang: str = "en", at=None, form_paused: bool = False, *, level: str = "emergency",
              authority=None, rules=()) -> BotMessage:
    """The safeguarding reply, always first when risk is detected, at its level.

    ``authority`` (bot.services.authorities.Authority) names the children's
    services to call now; when it is not known the reply asks which local
    authority area the child is in, after the 999 line, with a button each.
    """
    directory = get_directory()
    reply = directory.emergency_reply(at=at, lang=lang, level=level, authority=authority, rules=rules)
    if form_paused:
        follow = t("safety.resume_question", lang)
        buttons = [button(t("button.resume_booking", lang), "affirm"),
                   button(t("button.stop_booking", lang), "deny")]
    else:
        follow = t("safety.offer", lang)
        buttons = [button(t("button.urgent_consultation", lang), "book_consultation"),
                   button(t("button.more_lines", lang), "ask_helpline")]
    buttons.append(button(t("button.more_detail", lang), "tell_me_more"))
    text = reply.text
    prompt = follow
    if authority is None:
        ask = directory.template("authority_ask", lang)
        text += "\n\n" + ask
        prompt = ask + " " + follow
        buttons += _authority_buttons(lang)
    payload = dict(reply.payload, rules=list(rules or ()), prompt=prompt)
    return BotMessage(text + "\n\n" + follow, buttons, payload)


def safeguarding_detail(level: str = "emergency", lang: str = "en", rules=()) -> BotMessage:
    """"More detail" after a safeguarding reply: each step's detail and source."""
    text = t("safety.detail_intro", lang) + "\n\n" + get_directory().safeguarding_detail(level, lang, rules)
    return BotMessage(text, [], {"kind": "signpost", "urgency": level, "safeguarding": level,
                                 "detail": True})


def authority_contacts(authority, lang: str = "en", at=None) -> BotMessage:
    """The chosen local authority's children's services team to call now."""
    directory = get_directory()
    team_text, team_payload = directory.authority_team_text(authority, at, lang)
    source = ", ".join(team_payload["source"])
    text = "\n\n".join([t("safety.authority_999", lang),
                         t("safety.authority_now", lang, team=team_text),
                         t("safety.authority_source", lang, source=source,
                           checked=team_payload["checked"])])
    return BotMessage(text, [button(t("button.urgent_consultation", lang), "book_consultation"),
                             button(t("button.more_detail", lang), "tell_me_more")],
                      {"kind": "signpost", "urgency": "emergency", "childrens_services": team_payload})
