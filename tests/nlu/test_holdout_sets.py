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
