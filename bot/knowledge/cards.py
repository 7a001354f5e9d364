"""Knowledge cards: one idea of the framework each, found by retrieval (issue 15).

Operators edit ``data/knowledge/cards/*.yml`` (DESIGN.md contract 4): each card
is one idea, model, list, named report or author, definition or practice
recommendation of the NEST/NYTH framework, with

    id        stable card id (lower case letters, digits, underscores)
    topic     the contract-2 topic it belongs to (the topic's answer is the overview)
    section   the framework section it rests on, by its English name in
              ``data/knowledge/sections.yml``
    title     {en, cy}
    asks      {en: [...], cy: [...]}: 3-8 ways a practitioner might ask for it
    answer    {en, cy}: 30-120 words in the project's own words
    related   card ids offered next

The files are validated with pydantic; an error names the file, line, card and
field.  The cards are read when the model loads (``bot.nlu.card_ranker``), so
adding or editing a card needs a restart, not retraining.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from pydantic import BaseModel, Extra, ValidationError, validator

from bot.datafile import DataError, line_of, load_yaml, pick, pydantic_error
from bot.knowledge.catalogue import REQUIRED_TOPIC_IDS, word_count

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CARDS_DIR = REPO / "data" / "knowledge" / "cards"
DEFAULT_SECTIONS_FILE = REPO / "data" / "knowledge" / "sections.yml"
ENV_CARDS_DIR = "NEST_CARDS_DIR"
LANGUAGES = ("en", "cy")
ANSWER_WORDS = (30, 120)
ASKS = (3, 8)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class _Texts(_Strict):
    en: str
    cy: str

    @validator("en", "cy")
    def _non_empty(cls, value):
        if not value:
            raise ValueError("must not be empty")
        return value


class _Answer(_Texts):
    @validator("en", "cy")
    def _length(cls, value):
        n = word_count(value)
        low, high = ANSWER_WORDS
        if not low <= n <= high:
            raise ValueError(f"has {n} words: an answer has {low}-{high}")
        return value


class _Asks(_Strict):
    en: List[str]
    cy: List[str]

    @validator("en", "cy")
    def _count(cls, value):
        low, high = ASKS
        if not low <= len(value) <= high:
            raise ValueError(f"has {len(value)} questions: a card has {low}-{high} per language")
        if any(not str(q).strip() for q in value):
            raise ValueError("holds an empty question")
        return value


class _CardModel(_Strict):
    id: str
    topic: str
    section: str
    title: _Texts
    asks: _Asks
    answer: _Answer
    related: List[str] = []

    @validator("id")
    def _id(cls, value):
        if not _ID_RE.match(value):
            raise ValueError("must be lower case letters, digits and underscores, starting with a letter")
        return value

    @validator("topic")
    def _topic(cls, value):
        if value not in REQUIRED_TOPIC_IDS:
            raise ValueError(f"{value!r} is not a topic id (data/knowledge/topics.yml)")
        return value


class _FileModel(_Strict):
    cards: List[_CardModel]


class _SectionsModel(_Strict):
    version: int
    sections: List[_Texts]


@dataclass(frozen=True)
class Card:
    """One knowledge card; texts per language, English the fallback."""

    id: str
    topic: str
    section: str                       # English section name (the key)
    titles: Dict[str, str]
    asks: Dict[str, Tuple[str, ...]]
    answers: Dict[str, str]
    related: Tuple[str, ...]
    path: str = ""
    line: Optional[int] = None

    def title(self, lang: str = "en") -> str:
        return pick(self.titles, lang)

    def answer(self, lang: str = "en") -> str:
        return pick(self.answers, lang)

    def questions(self, lang: str = "en") -> Tuple[str, ...]:
        return self.asks.get(lang) or self.asks["en"]


class CardSet:
    """All cards, in file order, with the framework's section names."""

    def __init__(self, cards: Sequence[Card], sections: Sequence[Dict[str, str]]):
        self.cards: Tuple[Card, ...] = tuple(cards)
        self._by_id = {c.id: c for c in self.cards}
        self.sections: Tuple[Dict[str, str], ...] = tuple(sections)
        self._section = {s["en"]: s for s in self.sections}

    def __len__(self) -> int:
        return len(self.cards)

    def __iter__(self):
        return iter(self.cards)

    def __contains__(self, card_id: object) -> bool:
        return card_id in self._by_id

    def get(self, card_id: str) -> Card:
        return self._by_id[card_id]

    def section_name(self, section: str, lang: str = "en") -> str:
        return pick(self._section.get(section) or {"en": section}, lang)

    def of_section(self, section: str) -> List[Card]:
        return [c for c in self.cards if c.section == section]


def load_sections(path: Path | str = DEFAULT_SECTIONS_FILE) -> List[Dict[str, str]]:
    path = Path(path)
    data = load_yaml(path)
    try:
        model = _SectionsModel.parse_obj(data)
    except ValidationError as exc:
        raise pydantic_error(path, data, exc, "sections") from None
    return [{"en": s.en, "cy": s.cy} for s in model.sections]


def _load_file(path: Path, sections: set) -> List[Card]:
    data = load_yaml(path)
    try:
        model = _FileModel.parse_obj(data)
    except ValidationError as exc:
        raise pydantic_error(path, data, exc, "cards") from None
    out = []
    for i, (node, card) in enumerate(zip(data["cards"], model.cards)):
        if card.section not in sections:
            raise DataError(path, f"{card.section!r} is not a section of data/knowledge/sections.yml",
                            line=line_of(node, "section"), entry=card.id, field="section")
        out.append(Card(card.id, card.topic, card.section,
                        {"en": card.title.en, "cy": card.title.cy},
                        {"en": tuple(card.asks.en), "cy": tuple(card.asks.cy)},
                        {"en": card.answer.en, "cy": card.answer.cy},
                        tuple(card.related), str(path), line_of(data["cards"], i)))
    return out


def load_cards(folder: Path | str | None = None,
               sections_file: Path | str = DEFAULT_SECTIONS_FILE) -> CardSet:
    """Read and check every ``*.yml`` in ``folder`` (sorted by name)."""
    folder = Path(folder or os.environ.get(ENV_CARDS_DIR) or DEFAULT_CARDS_DIR)
    sections = load_sections(sections_file)
    names = {s["en"] for s in sections}
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise DataError(folder, "holds no card file (*.yml)")
    cards: List[Card] = []
    seen: Dict[str, Card] = {}
    for path in files:
        for card in _load_file(path, names):
            if card.id in seen:
                raise DataError(path, f"is used by an earlier card too ({seen[card.id].path})",
                                line=card.line, entry=card.id, field="id")
            seen[card.id] = card
            cards.append(card)
    for card in cards:
        for other in card.related:
            if other not in seen:
                raise DataError(card.path, f"names {other!r}, which is not a card",
                                line=card.line, entry=card.id, field="related")
            if other == card.id:
                raise DataError(card.path, "names the card itself", line=card.line,
                                entry=card.id, field="related")
    return CardSet(cards, sections)


_lock = threading.Lock()
_cache: Dict[str, CardSet] = {}


def get_cards() -> CardSet:
    """The process-wide card set (read on first use)."""
    key = os.environ.get(ENV_CARDS_DIR) or str(DEFAULT_CARDS_DIR)
    with _lock:
        if key not in _cache:
            _cache[key] = load_cards(key)
        return _cache[key]
