"""The held-out sets stay held out: well-formed, big enough, and never in the training data."""
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.knowledge import get_catalogue

REPO = Path(__file__).resolve().parents[2]
HOLDOUTS = sorted((REPO / "tests").glob("nlu_holdout*.yml"))


def norm(text):
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def examples(path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))["examples"]


@pytest.fixture(scope="module")
def training_texts(training_examples):
    return {norm(text) for _, _, text in training_examples}


def test_there_are_english_and_welsh_held_out_sets():
    names = {p.name for p in HOLDOUTS}
    assert {"nlu_holdout.yml", "nlu_holdout_cy.yml", "nlu_holdout_fresh.yml",
            "nlu_holdout_fresh_cy.yml", "nlu_holdout_fresh2.yml"} <= names


@pytest.mark.parametrize("path", HOLDOUTS, ids=lambda p: p.name)
def test_held_out_messages_are_labelled_with_real_topics_and_intents(path):
    domain = YAML(typ="safe").load((REPO / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    topics = {topic.id for topic in get_catalogue()}
    rows = examples(path)
    for row in rows:
        assert row["text"].strip(), row
        assert ("topic" in row) != ("intent" in row), row
        assert row.get("topic", "holding_on") in topics, row
        assert row.get("intent", "greet") in intents, row
    welsh = path.stem.endswith("_cy")
    topic_rows = [r for r in rows if "topic" in r]
    assert len(topic_rows) >= (60 if welsh else 150)
    assert {r["topic"] for r in topic_rows} == topics   # every topic is tested


@pytest.mark.parametrize("path", HOLDOUTS, ids=lambda p: p.name)
def test_no_held_out_question_was_copied_into_the_training_data(path, training_texts):
    """Short stock phrases ("tell me more", "hwyl fawr", "what is the missing middle?")
    occur in both by nature; a real question of eight words or more never may."""
    leaked = [r["text"] for r in examples(path)
              if len(norm(r["text"]).split()) >= 8 and norm(r["text"]) in training_texts]
    assert leaked == []


CARDS_HOLDOUTS = sorted((REPO / "tests").glob("cards_holdout*.yml"))
SECTIONS = [s["en"] for s in YAML(typ="safe").load(
    (REPO / "data" / "knowledge" / "sections.yml").read_text(encoding="utf-8"))["sections"]]


@pytest.mark.parametrize("path", CARDS_HOLDOUTS, ids=lambda p: p.name)
def test_the_specific_question_set_covers_every_section_in_both_languages(path):
    rows = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["questions"]
    en = [r for r in rows if r["lang"] == "en"]
    cy = [r for r in rows if r["lang"] == "cy"]
    assert len(en) >= 150 and len(cy) >= 30
    # every section issue 15 lists; the acknowledgements (who led the work) have a card
    # but are not asked of every held-out set
    for section in (s for s in SECTIONS if s != "Acknowledgements"):
        assert sum(r["section"] == section for r in en) >= 1, section
    for row in rows:
        assert row["q"].strip() and row["section"] in SECTIONS, row
        groups = row["keywords"]
        assert groups and all(isinstance(g, list) and g and all(str(k).strip() for k in g) for g in groups), row


@pytest.mark.parametrize("path", CARDS_HOLDOUTS, ids=lambda p: p.name)
def test_no_specific_held_out_question_is_in_the_training_data_or_the_cards(path, training_texts):
    """The cards' ways of asking are what the ranker indexes: a held-out question
    found among them (or in the NLU data) would be scored on what it was shown."""
    from bot.knowledge.cards import load_cards
    rows = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["questions"]
    asks = {norm(q) for card in load_cards() for lang in ("en", "cy") for q in card.questions(lang)}
    leaked = [r["q"] for r in rows
              if len(norm(r["q"]).split()) >= 6 and (norm(r["q"]) in training_texts or norm(r["q"]) in asks)]
    assert leaked == []
