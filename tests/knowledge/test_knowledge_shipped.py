"""The shipped topic catalogue: complete, well sized, linked and citing real sections."""
from __future__ import annotations

import re

import pytest

from bot.knowledge import (AGE_GROUPS, REQUIRED_TOPIC_IDS, Catalogue, get_catalogue,
                           load_catalogue, word_count)
from bot.knowledge import catalogue as catalogue_module
from tests.knowledge.knowledge_helpers import SEED_FILES, SHIPPED, normalise

# Writing targets for the shipped file (the loader itself is looser).
TARGETS = {"answer": (60, 150), "more": (60, 150), "example": (40, 120),
           "young_children": (30, 100), "teenagers": (30, 100)}


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue(SHIPPED)


def _texts(topic):
    yield "title", topic.title()
    yield "source", topic.source()
    yield "answer", topic.answer()
    yield "more", topic.more()
    yield "example", topic.example()
    for group in AGE_GROUPS:
        yield group, topic.for_age(group)


def test_shipped_file_defines_every_contract_topic(shipped):
    assert set(shipped.ids) == set(REQUIRED_TOPIC_IDS)
    assert len(shipped) == len(REQUIRED_TOPIC_IDS) == 20
    assert [t.id for t in shipped] == list(shipped.ids)


def test_every_text_is_present_and_sized_for_a_busy_practitioner(shipped):
    problems = []
    for topic in shipped:
        for name, text in _texts(topic):
            if not text or not text.strip():
                problems.append(f"{topic.id}.{name}: empty")
            elif name in TARGETS:
                low, high = TARGETS[name]
                count = word_count(text)
                if not low <= count <= high:
                    problems.append(f"{topic.id}.{name}: {count} words, target {low}-{high}")
    assert not problems, "\n".join(problems)


def test_follow_ups_do_not_repeat_the_answer(shipped):
    # "Tell me more" and the example must add something: few shared sentences.
    for topic in shipped:
        answer_sentences = {s.strip().lower() for s in re.split(r"[.!?]", topic.answer()) if len(s.split()) > 5}
        for name in ("more", "example", "young_children", "teenagers"):
            text = topic.more() if name == "more" else topic.example() if name == "example" \
                else topic.for_age(name)
            repeated = [s for s in re.split(r"[.!?]", text) if s.strip().lower() in answer_sentences]
            assert not repeated, f"{topic.id}.{name} repeats the answer: {repeated}"


def test_related_topics_are_valid_and_mostly_reciprocal(shipped):
    links = set()
    for topic in shipped:
        assert 2 <= len(topic.related) <= 3, topic.id
        assert topic.id not in topic.related
        assert len(set(topic.related)) == len(topic.related)
        for other in topic.related:
            assert other in shipped, f"{topic.id} -> {other}"
            links.add((topic.id, other))
    # Every topic can be reached from at least two others ...
    inbound = {tid: sum(1 for _, b in links if b == tid) for tid in shipped.ids}
    unreachable = [tid for tid, n in inbound.items() if n < 2]
    assert not unreachable, f"topics linked from fewer than two others: {unreachable}"
    # ... and most links lead back, so a practitioner can return where they came from.
    reciprocal = sum(1 for a, b in links if (b, a) in links)
    assert reciprocal / len(links) >= 2 / 3


def test_sources_name_real_framework_sections(shipped):
    """Each section named (before any ':' detail, ';' separating several) is a heading."""
    headings = []
    for path in SEED_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            words = normalise(line)
            if 0 < len(words) <= 12 and not line.rstrip().endswith((".", "?")):
                headings.append(" " + " ".join(words) + " ")
    for topic in shipped:
        for part in topic.source().split(";"):
            section = " " + " ".join(normalise(part.split(":")[0])) + " "
            assert any(section in h for h in headings), \
                f"{topic.id}: {part.strip()!r} is not a framework heading"


def test_texts_carry_no_phone_numbers_or_web_addresses(shipped):
    # Signposting lives in the services data, where opening hours are kept current.
    for topic in shipped:
        for name, text in _texts(topic):
            assert not re.search(r"\d[\d ]{4,}\d", text), f"{topic.id}.{name}: number"
            assert not re.search(r"https?://|www\.", text), f"{topic.id}.{name}: address"


def test_risk_mentions_point_to_the_settings_safeguarding_procedure(shipped):
    # The bot never improvises risk procedure: any text advising on a child who
    # may be at risk points to the setting's own procedure ("those most at risk",
    # a statement about groups, is not advice about a child).
    for topic in shipped:
        for name, text in _texts(topic):
            if re.search(r"\b(is at risk|risk of harm|worried about risk|concern about risk)\b", text):
                assert "follow your setting's safeguarding procedure" in text, f"{topic.id}.{name}"


def test_topic_text_accessors_and_payload(shipped):
    topic = shipped.get("holding_on")
    assert topic.title() == "Holding on versus referring on"
    assert topic.source() == "Easy access to expertise"
    assert topic.for_age("teenagers").startswith("Teenagers")
    assert topic.for_age("pensioners") is None
    # Welsh is served in Welsh; an unknown language falls back to English.
    assert topic.answer("cy") != topic.answer("en") and topic.answer("cy").strip()
    assert topic.answer("fr") == topic.answer("en")
    assert topic.payload() == {"kind": "answer", "topic": "holding_on",
                               "source": "Easy access to expertise"}
    with pytest.raises(KeyError):
        shipped.get("astrology")
    assert "holding_on" in shipped and "astrology" not in shipped


def test_get_catalogue_reads_the_default_file_once(monkeypatch):
    monkeypatch.delenv("NEST_TOPICS_FILE", raising=False)
    get_catalogue.cache_clear()
    try:
        first = get_catalogue()
        assert first.path == catalogue_module.REPO_TOPICS_FILE
        assert get_catalogue() is first
        assert len(first) == 20
    finally:
        get_catalogue.cache_clear()
