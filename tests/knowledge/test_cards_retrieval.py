"""Ranking cards for a question (bot.knowledge.retrieval), without a trained model."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from bot.knowledge.cards import Card, CardSet, load_sections
from bot.knowledge.retrieval import CardIndex, Settings, decide, topic_confidences


def _card(cid, topic, en_title, en_asks, en_answer, cy_title, cy_asks, cy_answer):
    return Card(cid, topic, "Attachment theory", {"en": en_title, "cy": cy_title},
                {"en": tuple(en_asks), "cy": tuple(cy_asks)}, {"en": en_answer, "cy": cy_answer}, ())


CARDS = CardSet([
    _card("flex", "holding_on", "Flexing support up and down",
          ["what does flex up and flex down mean?", "flexing support"],
          "Support is needs led and can be increased or reduced as needs change, instead of a tiered refer on model.",
          "Hyblygu cymorth", ["beth yw hyblygu cymorth i fyny ac i lawr?"],
          "Mae cymorth yn dilyn anghenion a gall gynyddu neu leihau."),
    _card("pyramid", "developmental_trauma", "Golding's pyramid of needs",
          ["what is Golding's pyramid?", "pyramid of needs"],
          "Kim Golding built on Maslow: safety and security in relationships come first, before therapy.",
          "Pyramid anghenion Golding", ["beth yw pyramid Golding?"],
          "Adeiladodd Kim Golding ar waith Maslow: diogelwch mewn perthnasoedd yn gyntaf."),
    _card("ecological", "developmental_trauma", "Bronfenbrenner's ecological model",
          ["what is the ecological model?", "who was Bronfenbrenner?"],
          "Bronfenbrenner's 1979 model shows how many layers around a child combine to shape development.",
          "Model ecolegol Bronfenbrenner", ["beth yw model ecolegol Bronfenbrenner?", "plentyn a'i gymuned"],
          "Mae model Bronfenbrenner yn dangos sut mae haenau o gwmpas plentyn yn cyfuno."),
], load_sections())


def fake_embed(texts):
    """A stand-in for MiniLM: hashed bag of lower-cased words (no model needed)."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for w in text.lower().replace("?", " ").replace("'s", " ").split():
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
    return out


@pytest.fixture(scope="module")
def index():
    return CardIndex(CARDS, embed=fake_embed)


def test_a_specific_question_finds_its_card_by_words_and_meaning(index):
    for text, want in [("flex up flex down?", "flex"), ("tell me about Golding and her pyramid", "pyramid"),
                       ("Bronfenbrenner", "ecological")]:
        ranked = index.rank(text, "en", embedding=fake_embed([text])[0])
        assert ranked[0].card == want, (text, ranked)
        assert ranked[0].score > ranked[1].score


def test_lexical_ranking_works_without_an_embedding_and_in_welsh(index):
    assert index.rank("Golding pyramid", "en")[0].card == "pyramid"
    # a mutated form ("mhyramid") reaches the Welsh text through the Welsh lemmas
    assert index.rank("beth am fy mhyramid Golding", "cy")[0].card == "pyramid"
    assert index.rank("hyblygu cymorth", "cy")[0].card == "flex"


def test_the_classified_topic_is_a_prior_not_a_filter(index):
    # a vague message leans towards the classified topic's card ...
    assert index.rank("model", "en")[0].card == "ecological"
    leaning = index.rank("model", "en", topic_confidence={"holding_on": 0.9})
    assert leaning[0].card == "flex" and leaning[0].prior == pytest.approx(0.9)
    # ... but a clear match for a card of another topic still wins
    text = "who was Bronfenbrenner and what is the ecological model?"
    ranked = index.rank(text, "en", embedding=fake_embed([text])[0], topic_confidence={"holding_on": 0.9})
    assert ranked[0].card == "ecological"


def test_an_empty_message_ranks_nothing(index):
    assert index.rank("", "en") == [] and index.rank("   ", "en") == []


def test_left_out_questions_are_not_in_the_index():
    full = CardIndex(CARDS, embed=fake_embed)
    left = CardIndex(CARDS, embed=fake_embed, leave_out={"flex": ["flexing support"]})
    assert len(left._vectors) == len(full._vectors) - 1


def test_decide_answers_chooses_or_declines():
    rows = [{"card": "a", "score": 0.8}, {"card": "b", "score": 0.5}, {"card": "c", "score": 0.4}]
    assert decide(rows, answer=0.6, margin=0.05).kind == "card"
    close = [{"card": "a", "score": 0.8}, {"card": "b", "score": 0.78}, {"card": "c", "score": 0.3}]
    d = decide(close, answer=0.6, margin=0.05)
    assert d.kind == "choice" and d.cards == ("a", "b")
    assert decide(rows, answer=0.9, margin=0.05).kind == "none"
    assert decide([], answer=0.1, margin=0.1).kind == "none"


def test_topic_confidences_read_the_topic_intents_only():
    ranking = [{"name": "topic_attachment", "confidence": 0.7}, {"name": "greet", "confidence": 0.2}]
    assert topic_confidences(ranking) == {"attachment": 0.7}


def test_settings_come_from_the_component_config():
    s = Settings.from_config({"answer": "0.7", "margin": 0.1, "unrelated": 3})
    assert s.answer == 0.7 and s.margin == 0.1 and s.dense_weight == Settings().dense_weight


def test_a_message_that_is_one_of_a_cards_own_questions_gets_that_card():
    rows = [{"card": "a", "score": 0.60, "dense": 0.97}, {"card": "b", "score": 0.59, "dense": 0.6}]
    assert decide(rows, answer=0.8, margin=0.05, exact=0.95).cards == ("a",)
    # two cards with the same question: no shortcut, the usual rule applies
    rows[1]["dense"] = 0.96
    assert decide(rows, answer=0.8, margin=0.05, exact=0.95).kind == "none"
