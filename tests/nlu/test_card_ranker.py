"""The card ranker as a Rasa component (issue 15): it reuses the tokenizer's
lemmas and the featurizer's MiniLM embedding, writes its ranking into the parse
data, ranks fallback messages too, and reads the cards at load (no retraining)."""
from __future__ import annotations

import shutil

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.cards import DEFAULT_CARDS_DIR, get_cards
from bot.nlu.card_ranker import CardRanker
from tests.nlu.test_minilm_featurizer import featurizer, tokenizer


def parse(ranker, text, intent="nlu_fallback", ranking=()):
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.5},
                            "intent_ranking": list(ranking)})
    tokenizer().process([message])
    featurizer().process([message])
    ranker.process([message])
    return message.as_dict(only_output_properties=True)["cards"]


@pytest.fixture(scope="module")
def ranker():
    return CardRanker({})


def test_a_question_naming_a_cited_author_finds_that_authors_card(ranker):
    out = parse(ranker, "what did Bronfenbrenner's ecological model say?")
    best = get_cards().get(out["candidates"][0]["card"])
    assert "Bronfenbrenner" in best.answer("en")
    assert out["lang"] == "en" and len(out["candidates"]) == 5
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert out["decision"] in ("card", "choice") and out["chosen"][0] == best.id


def test_welsh_questions_are_ranked_over_the_welsh_lemmas(ranker):
    out = parse(ranker, "Beth ddywedodd Bronfenbrenner am ddatblygiad plentyn?")
    assert out["lang"] == "cy"
    assert "Bronfenbrenner" in get_cards().get(out["candidates"][0]["card"]).answer("cy")


def test_small_talk_gets_no_card_and_empty_text_is_left_alone(ranker):
    assert parse(ranker, "thanks, bye")["decision"] == "none"
    assert parse(ranker, "   ")["candidates"] == []


def test_a_card_added_to_the_folder_is_found_after_a_restart_without_retraining(tmp_path, monkeypatch):
    folder = tmp_path / "cards"
    shutil.copytree(DEFAULT_CARDS_DIR, folder)
    (folder / "99-local.yml").write_text('''cards:
  - id: local_wellbeing_hub
    topic: access_routes
    section: "Easy access to expertise"
    title: {en: "The Glanmor wellbeing hub", cy: "Hyb llesiant Glanmor"}
    asks:
      en: ["what is the Glanmor hub?", "Glanmor wellbeing hub", "tell me about Glanmor"]
      cy: ["beth yw hyb Glanmor?", "hyb llesiant Glanmor", "Glanmor"]
    answer:
      en: "The Glanmor wellbeing hub is a made-up local service used in this test: practitioners can drop in on Thursdays to talk through a worry about a child with a link professional, without a referral."
      cy: "Gwasanaeth lleol dychmygol a ddefnyddir yn y prawf hwn yw hyb llesiant Glanmor: gall ymarferwyr alw heibio ar ddydd Iau i drafod pryder am blentyn gyda gweithiwr proffesiynol cyswllt, heb atgyfeiriad."
''', encoding="utf-8")
    monkeypatch.setenv("NEST_CARDS_DIR", str(folder))
    out = parse(CardRanker({}), "is there anything about the Glanmor hub?")
    assert out["chosen"] == ["local_wellbeing_hub"] and out["decision"] == "card"
