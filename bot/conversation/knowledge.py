"""Knowledge answers, follow-ups and clarifications (issue 2).

Topic intents are named ``topic_<topic id>``; everything a reply says comes
from the topic catalogue (data/knowledge/topics.yml) and the message texts
(data/texts/messages.yml).
"""
from __future__ import annotations

from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.conversation.messages import BotMessage, button
from bot.knowledge import AGE_GROUPS, Catalogue, get_catalogue
from bot.knowledge.cards import CardSet, get_cards
from bot.texts import t

TOPIC_INTENT_PREFIX = "topic_"
# A card's button sends its topic's intent with the card as an entity, so the
# topic rules route it and the action answers with that card.
CARD_ENTITY = "card"
# A clarification offers a card when its score reaches this (bench/cards_cv.py).
MIN_CARD_OFFER = 0.35
ASPECTS = ("answer", "more", "example", "young_children", "teenagers")
# Follow-up intents and the aspect each asks for.
FOLLOWUP_INTENTS = {"tell_me_more": "more", "give_example": "example", "ask_age_group": "age"}
MAX_CLARIFY_OPTIONS = 3
MIN_CLARIFY_CONFIDENCE = 0.05


def topic_of_intent(intent_name: Optional[str]) -> Optional[str]:
    if intent_name and intent_name.startswith(TOPIC_INTENT_PREFIX):
        return intent_name[len(TOPIC_INTENT_PREFIX):]
    return None


def intent_of_topic(topic_id: str) -> str:
    return TOPIC_INTENT_PREFIX + topic_id


def _topic_buttons(topic_ids: Iterable[str], catalogue: Catalogue, lang: str) -> List[dict]:
    return [button(catalogue.get(tid).title(lang), intent_of_topic(tid))
            for tid in topic_ids if tid in catalogue]


def _payload(topic_id: str, catalogue: Catalogue, lang: str, aspect: str) -> dict:
    return {"kind": "answer", "topic": topic_id,
            "source": catalogue.get(topic_id).source(lang), "aspect": aspect}


def answer(topic_id: str, lang: str = "en", catalogue: Optional[Catalogue] = None) -> BotMessage:
    """The short answer to a topic, naming its framework section, with next steps."""
    catalogue = catalogue or get_catalogue()
    topic = catalogue.get(topic_id)
    text = "\n\n".join([topic.answer(lang), t("answer.source", lang, section=topic.source(lang))])
    buttons = [button(t("button.more", lang), "tell_me_more"),
               button(t("button.example", lang), "give_example")]
    buttons += _topic_buttons(topic.related, catalogue, lang)
    buttons.append(button(t("button.book", lang), "book_consultation"))
    return BotMessage(text, buttons, _payload(topic_id, catalogue, lang, "answer"))


def follow_up(topic_id: Optional[str], aspect: str, *, age_group: Optional[str] = None,
              given: Sequence[str] = (), lang: str = "en",
              catalogue: Optional[Catalogue] = None) -> Tuple[BotMessage, Optional[str]]:
    """Answer "tell me more" / "an example?" / "what about teenagers?" in context.

    ``topic_id`` is the topic of the conversation so far (None if none yet);
    ``given`` lists the aspects already sent for it.  Returns the message and
    the aspect it delivered (None when it had to ask a question instead).
    """
    catalogue = catalogue or get_catalogue()
    if not topic_id or topic_id not in catalogue:
        suggestions = [tid for tid in ("holding_on", "co_regulation", "trusted_adult")
                       if tid in catalogue]
        return BotMessage(t("followup.no_topic", lang), _topic_buttons(suggestions, catalogue, lang),
                          {"kind": "clarify", "options": suggestions}), None
    topic = catalogue.get(topic_id)
    title = topic.title(lang)

    if aspect == "age":
        if age_group not in AGE_GROUPS:
            buttons = [button(t(f"button.{g}", lang), "ask_age_group", age_group=g) for g in AGE_GROUPS]
            return BotMessage(t("followup.which_age", lang), buttons,
                              {"kind": "clarify", "topic": topic_id, "options": list(AGE_GROUPS)}), None
        aspect = age_group

    if aspect == "more" and "more" in given:
        # Asked for more again: move on to what has not been said yet.
        aspect = next((a for a in ("example", "teenagers", "young_children") if a not in given), "done")

    if aspect == "done":
        buttons = _topic_buttons(topic.related, catalogue, lang)
        buttons.append(button(t("button.book", lang), "book_consultation"))
        return BotMessage(t("followup.all_given", lang, title=title), buttons,
                          _payload(topic_id, catalogue, lang, "done")), "done"

    if aspect == "more":
        body, header = topic.more(lang), t("followup.more_header", lang, title=title)
    elif aspect == "example":
        body, header = topic.example(lang), t("followup.example_header", lang, title=title)
    else:
        body = topic.for_age(aspect, lang)
        header = t("followup.age_header", lang, title=title, group=t(f"followup.group.{aspect}", lang))
    text = "\n\n".join([header, body, t("answer.source", lang, section=topic.source(lang))])
    buttons = []
    if aspect != "more" and "more" not in given:
        buttons.append(button(t("button.more", lang), "tell_me_more"))
    if aspect != "example" and "example" not in given:
        buttons.append(button(t("button.example", lang), "give_example"))
    buttons += _topic_buttons(topic.related, catalogue, lang)
    buttons.append(button(t("button.book", lang), "book_consultation"))
    return BotMessage(text, buttons, _payload(topic_id, catalogue, lang, aspect)), aspect


def likeliest_topics(intent_ranking: Sequence[Mapping], limit: int = MAX_CLARIFY_OPTIONS,
                     catalogue: Optional[Catalogue] = None) -> List[str]:
    """The topic ids the classifier found likeliest, best first."""
    catalogue = catalogue or get_catalogue()
    out: List[str] = []
    for entry in sorted(intent_ranking or [], key=lambda e: -(e.get("confidence") or 0.0)):
        tid = topic_of_intent(entry.get("name"))
        if tid and tid in catalogue and tid not in out and \
                (entry.get("confidence") or 0.0) >= MIN_CLARIFY_CONFIDENCE:
            out.append(tid)
        if len(out) == limit:
            break
    return out


def clarify(intent_ranking: Sequence[Mapping], lang: str = "en",
            catalogue: Optional[Catalogue] = None) -> BotMessage:
    """Low confidence: offer the two or three likeliest topics, never a guess."""
    catalogue = catalogue or get_catalogue()
    options = likeliest_topics(intent_ranking, catalogue=catalogue)
    if len(options) < 2:
        # Nothing topic-like: say what the bot can do instead of guessing.
        options = options or []
        buttons = _topic_buttons(options, catalogue, lang)
        buttons += [button(t("button.book", lang), "book_consultation")]
        return BotMessage(t("clarify.none", lang), buttons, {"kind": "clarify", "options": options})
    buttons = _topic_buttons(options, catalogue, lang)
    buttons.append(button(t("button.something_else", lang), "bot_capabilities"))
    return BotMessage(t("clarify.question", lang), buttons, {"kind": "clarify", "options": options})


# -- knowledge cards (issue 15) ------------------------------------------------------------------

def _card_buttons(card_ids: Iterable[str], cards: CardSet, lang: str) -> List[dict]:
    return [button(cards.get(cid).title(lang), intent_of_topic(cards.get(cid).topic), **{CARD_ENTITY: cid})
            for cid in card_ids if cid in cards]


def card_answer(card_id: str, lang: str = "en", cards: Optional[CardSet] = None,
                catalogue: Optional[Catalogue] = None) -> BotMessage:
    """One card's answer, naming the framework section it rests on, with the
    related cards, the topic's overview and booking as next steps."""
    cards = cards or get_cards()
    catalogue = catalogue or get_catalogue()
    card = cards.get(card_id)
    section = cards.section_name(card.section, lang)
    text = "\n\n".join([card.answer(lang), t("answer.source", lang, section=section)])
    buttons = _card_buttons(card.related, cards, lang)
    if card.topic in catalogue:
        buttons.append(button(t("button.topic_overview", lang, title=catalogue.get(card.topic).title(lang)),
                              intent_of_topic(card.topic)))
    buttons.append(button(t("button.book", lang), "book_consultation"))
    return BotMessage(text, buttons, {"kind": "answer", "topic": card.topic, "card": card.id,
                                      "source": section, "aspect": "answer"})


def gist(text: str) -> str:
    """The first sentence of a card's answer (the cards open with the direct answer)."""
    import re
    match = re.match(r"(.+?[.!?])(\s|$)", (text or "").strip(), re.S)
    return (match.group(1) if match else (text or "")).strip()


def card_choice(card_ids: Sequence[str], lang: str = "en", cards: Optional[CardSet] = None) -> BotMessage:
    """Two or three cards fit about equally: each one's title and opening
    sentence, and a button for each to read it in full."""
    cards = cards or get_cards()
    options = [cid for cid in card_ids if cid in cards]
    lines = [t("cards.choice", lang)]
    lines += [f"- {cards.get(cid).title(lang)}: {gist(cards.get(cid).answer(lang))}" for cid in options]
    buttons = _card_buttons(options, cards, lang)
    buttons.append(button(t("button.something_else", lang), "bot_capabilities"))
    return BotMessage("\n".join(lines), buttons, {"kind": "clarify", "cards": options, "options": []})


def answer_question(intent_name: Optional[str], intent_ranking: Sequence[Mapping],
                    ranked: Optional[Mapping], lang: str = "en", *,
                    cards: Optional[CardSet] = None,
                    catalogue: Optional[Catalogue] = None) -> Tuple[BotMessage, Optional[str], Optional[str]]:
    """The reply to a practice question: (message, topic id, card id).

    ``ranked`` is the card ranker's parse data (``bot.nlu.card_ranker``): the
    best card when it is a confident match; else, for a message the classifier
    placed in a topic (a broad question), the topic's overview; else a choice
    when two or three cards are close; else a clarification that offers the
    likeliest topics and cards.
    """
    cards = cards or get_cards()
    catalogue = catalogue or get_catalogue()
    ranked = ranked or {}
    decision = ranked.get("decision")
    chosen = [c for c in (ranked.get("chosen") or []) if c in cards]
    if decision == "card" and chosen:
        card = cards.get(chosen[0])
        return card_answer(card.id, lang, cards, catalogue), card.topic, card.id
    topic_id = topic_of_intent(intent_name)
    if decision == "choice" and len(chosen) >= 2 and (topic_id is None or topic_id not in catalogue):
        # Cards close together and no topic the classifier is sure of: let the practitioner pick.
        return card_choice(chosen, lang, cards), None, None
    # A question the classifier places in a topic, with no one card clearly
    # answering it, is a broad question: the topic's overview answers it.
    if topic_id is not None and topic_id in catalogue:
        return answer(topic_id, lang, catalogue), topic_id, None
    message = clarify(intent_ranking, lang, catalogue)
    offer = [c["card"] for c in (ranked.get("candidates") or [])[:2]
             if c.get("card") in cards and float(c.get("score") or 0.0) >= MIN_CARD_OFFER]
    if offer:
        message.buttons = _card_buttons(offer, cards, lang) + message.buttons
        message.custom = {**(message.custom or {}), "cards": offer}
    return message, None, None
