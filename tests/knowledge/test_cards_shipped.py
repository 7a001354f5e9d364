"""The shipped knowledge cards (issue 15): every section of the framework has a
card, every author and report the framework cites is in one, nothing is copied."""
from __future__ import annotations

import re

import pytest

from bot.knowledge import get_catalogue
from bot.knowledge.cards import load_cards
from tests.knowledge.knowledge_helpers import SEED_FILES, normalise

RUN = 8

# The authors and reports the framework cites (issue 15): each must be named in a card.
CITED = {
    "Albee": ["albee"], "Byrne": ["byrne"], "Cicchetti": ["cicchetti"], "Crenshaw": ["crenshaw"],
    "Dweck": ["dweck"], "Falconbridge": ["falconbridge"], "Golding": ["golding"], "Lucas": ["lucas"],
    "Masten": ["masten"], "Treisman": ["treisman"], "Halbert and Kaser": ["halbert"],
    "Bronfenbrenner": ["bronfenbrenner"], "Maslow": ["maslow"],
    "Mind Over Matter": ["mind over matter"], "No Wrong Door": ["no wrong door"],
    "Hafal's Making Sense": ["making sense"], "the Early Intervention Foundation's review":
        ["early intervention foundation"], "Time to Act": ["time to act"],
    "the Youth Engagement and Progression Framework": ["youth engagement and progression"],
}


@pytest.fixture(scope="module")
def cards():
    return load_cards()


def test_there_are_at_least_150_cards_each_with_english_and_welsh(cards):
    assert len(cards) >= 150
    for card in cards:
        assert card.answer("en") != card.answer("cy"), card.id
        assert card.topic in get_catalogue(), card.id


def test_every_section_of_the_framework_has_a_card(cards):
    full = SEED_FILES[0].read_text(encoding="utf-8")
    missing = [s["en"] for s in cards.sections if not cards.of_section(s["en"])]
    assert not missing, f"sections with no card: {missing}"
    # the section list itself follows the framework: each heading is in the text
    for section in cards.sections:
        head = section["en"].replace("The NEST framework", "The NEST Framework").replace(
            "Aim of the EHES workstream", "Aim of the early help and enhanced support (EHES) workstream")
        assert head in full, head


def test_every_cited_author_and_report_is_in_a_card(cards):
    texts = [" ".join([c.title("en"), c.answer("en")]).lower() for c in cards]
    missing = [name for name, needles in CITED.items()
               if not any(any(n in text for n in needles) for text in texts)]
    assert not missing, f"cited in the framework but in no card: {missing}"


def test_no_eight_word_run_is_copied_from_the_framework(cards):
    seed_runs = set()
    for path in SEED_FILES:
        words = normalise(path.read_text(encoding="utf-8"))
        seed_runs |= {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}
    # A section's own heading (a name, like a report's title) may be quoted.
    headings = {tuple(normalise(s["en"])) for s in cards.sections}
    offences = []
    for card in cards:
        texts = [card.title(l) for l in ("en", "cy")] + [card.answer(l) for l in ("en", "cy")] + \
            list(card.questions("en")) + list(card.questions("cy"))
        for text in texts:
            words = normalise(text)
            for i in range(len(words) - RUN + 1):
                run = tuple(words[i:i + RUN])
                if run in seed_runs and not any(_inside(run, h) for h in headings):
                    offences.append(f"{card.id}: \"{' '.join(run)}\"")
    assert not offences, "copied from the framework:\n" + "\n".join(offences)


def _inside(run, heading) -> bool:
    n = len(run)
    return any(heading[i:i + n] == run for i in range(len(heading) - n + 1))


def test_related_cards_are_real_and_answers_name_no_phone_number(cards):
    for card in cards:
        for other in card.related:
            assert other in cards
        for lang in ("en", "cy"):
            assert not re.search(r"\b0\d{3}\s?\d{3}\s?\d{3,4}\b", card.answer(lang)), card.id
