"""The practice-question topic catalogue (DESIGN.md contracts 2 and 4).

Knowledge answers are keyed by stable topic ids.  Operators edit
``data/knowledge/topics.yml``; this module loads it, validates every entry and
reports each problem as a :class:`bot.datafile.DataError` naming the file, the
line, the entry (topic id) and the field.

Every user-facing text is stored per language code (``{en: ..., cy: ...}``);
English is required, Welsh is optional and falls back to English.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from bot.datafile import DataError, Located, line_of, load_yaml, pick

REQUIRED_TOPIC_IDS: Tuple[str, ...] = (
    "holding_on", "co_regulation", "trusted_adult", "nest_framework", "everyday_magic",
    "attachment", "developmental_trauma", "trauma_informed", "behaviour_communication",
    "no_wrong_door", "whole_school", "staff_wellbeing", "rights_based", "inclusion",
    "transitions", "access_routes", "child_development", "missing_middle",
    "safe_communities", "co_production",
)
AGE_GROUPS: Tuple[str, ...] = ("young_children", "teenagers")
TEXT_FIELDS: Tuple[str, ...] = ("title", "source", "answer", "more", "example")
TOPIC_FIELDS: Tuple[str, ...] = ("id",) + TEXT_FIELDS + ("ages", "related")
# Loader bounds for the answer; looser than the writing target (60-150 words).
ANSWER_WORDS: Tuple[int, int] = (40, 180)
FILE_VERSION = 1
ENV_TOPICS_FILE = "NEST_TOPICS_FILE"

_REPO = Path(__file__).resolve().parents[2]
REPO_TOPICS_FILE = _REPO / "data" / "knowledge" / "topics.yml"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD_RE = re.compile(r"\w+(?:['\u2019-]\w+)*")


def _default_path() -> Path:
    override = os.environ.get(ENV_TOPICS_FILE)
    return Path(override) if override else REPO_TOPICS_FILE


# The file get_catalogue() reads: <repo>/data/knowledge/topics.yml unless
# NEST_TOPICS_FILE names another (re-read at load time, so tests may set it).
DEFAULT_TOPICS_FILE: Path = _default_path()


def word_count(text: str) -> int:
    """Words as a reader counts them ("child's" and "co-regulation" are one word)."""
    return len(_WORD_RE.findall(text or ""))


@dataclass(frozen=True)
class Topic:
    """One knowledge topic; every text accessor falls back to English."""

    id: str
    related: Tuple[str, ...]
    texts: Mapping[str, Mapping[str, str]] = field(repr=False, compare=False, hash=False)
    ages: Mapping[str, Mapping[str, str]] = field(repr=False, compare=False, hash=False)
    line: Optional[int] = field(default=None, compare=False, hash=False)

    def _text(self, name: str, lang: str) -> str:
        return pick(self.texts.get(name), lang)

    def title(self, lang: str = "en") -> str:
        return self._text("title", lang)

    def source(self, lang: str = "en") -> str:
        """The framework section the answer rests on."""
        return self._text("source", lang)

    def answer(self, lang: str = "en") -> str:
        return self._text("answer", lang)

    def more(self, lang: str = "en") -> str:
        """"Tell me more": goes deeper than the answer."""
        return self._text("more", lang)

    def example(self, lang: str = "en") -> str:
        """"Can you give an example?": a realistic scenario from a setting."""
        return self._text("example", lang)

    def for_age(self, group: str, lang: str = "en") -> Optional[str]:
        """The text for an age group in AGE_GROUPS; None for an unknown group."""
        texts = self.ages.get(group)
        return pick(texts, lang) if texts else None

    def languages(self) -> Tuple[str, ...]:
        """Language codes in which every text of this topic is written."""
        all_texts = list(self.texts.values()) + list(self.ages.values())
        codes = set.intersection(*(set(t) for t in all_texts)) if all_texts else set()
        return tuple(sorted(codes))

    def payload(self, lang: str = "en") -> Dict[str, str]:
        """The structured payload of a knowledge answer (DESIGN.md contract 1)."""
        return {"kind": "answer", "topic": self.id, "source": self.source(lang)}


class Catalogue:
    """The validated topics of one file, in file order."""

    def __init__(self, topics: Tuple[Topic, ...], path: Optional[Path] = None):
        self._topics: Mapping[str, Topic] = MappingProxyType({t.id: t for t in topics})
        self.ids: Tuple[str, ...] = tuple(t.id for t in topics)
        self.path = path

    def get(self, topic_id: str) -> Topic:
        """The topic with this id; KeyError if there is none."""
        try:
            return self._topics[topic_id]
        except KeyError:
            raise KeyError(f"unknown topic id {topic_id!r}") from None

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._topics

    def __iter__(self) -> Iterator[Topic]:
        return (self._topics[i] for i in self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Catalogue({len(self)} topics from {self.path})"


def load_catalogue(path: Optional[Path | str] = None) -> Catalogue:
    """Load and validate a topics file (default: DEFAULT_TOPICS_FILE / env).

    Raises :class:`bot.datafile.DataError` naming file, line, entry and field.
    """
    path = Path(path) if path is not None else _default_path()
    root = load_yaml(path)
    top = Located(path, root)
    if not isinstance(root, dict):
        raise DataError(path, "the file must be a mapping with a 'topics' list", line=1)
    version = top.optional("version", int, FILE_VERSION)
    if isinstance(version, bool) or version != FILE_VERSION:
        raise top.error(f"unsupported version {version!r} (expected {FILE_VERSION})", "version")
    entries = top.require("topics", list)

    topics = []
    first_line: Dict[str, Optional[int]] = {}
    related_nodes = []
    for index, node in enumerate(entries):
        label = f"#{index + 1}"
        if not isinstance(node, dict):
            raise DataError(path, "each topic must be a mapping of fields",
                            line=line_of(entries, index), entry=label)
        loc = Located(path, node, label)
        topic_id = str(loc.require("id", str)).strip()
        if not _ID_RE.match(topic_id):
            raise loc.error(f"id {topic_id!r} must be lower case letters, digits and "
                            "underscores, starting with a letter", "id")
        loc.entry = topic_id
        if topic_id in first_line:
            raise loc.error(f"duplicate id (first used on line {first_line[topic_id]})", "id")
        first_line[topic_id] = line_of(node, "id")
        for key in node:
            if key not in TOPIC_FIELDS:
                raise loc.error(f"unknown field (expected one of {', '.join(TOPIC_FIELDS)})",
                                str(key))

        texts = {name: MappingProxyType(loc.text(name)) for name in TEXT_FIELDS}
        low, high = ANSWER_WORDS
        for code, text in texts["answer"].items():
            count = word_count(text)
            if not low <= count <= high:
                raise loc.error(f"the {code!r} answer has {count} words; "
                                f"it must have {low} to {high}", "answer")

        ages = _ages(path, loc)
        related_node = loc.require("related", list)
        related_nodes.append((loc, related_node))
        related = []
        for i, item in enumerate(related_node):
            if not isinstance(item, str) or not item.strip():
                raise _item_error(loc, related_node, i, "each related entry must be a topic id")
            related.append(item.strip())
        topics.append(Topic(topic_id, tuple(related), MappingProxyType(texts),
                            MappingProxyType(ages), line_of(entries, index)))

    missing = [tid for tid in REQUIRED_TOPIC_IDS if tid not in first_line]
    if missing:
        also = f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""
        raise DataError(path, f"this required topic is missing from the file{also}",
                        line=line_of(root, "topics"), entry=missing[0], field="id")

    for (loc, node), topic in zip(related_nodes, topics):
        seen = set()
        for i, other in enumerate(topic.related):
            if other == topic.id:
                raise _item_error(loc, node, i, "a topic cannot be related to itself")
            if other not in first_line:
                raise _item_error(loc, node, i, f"unknown topic id {other!r}")
            if other in seen:
                raise _item_error(loc, node, i, f"{other!r} is listed twice")
            seen.add(other)
    return Catalogue(tuple(topics), path)


def _ages(path: Path, loc: Located) -> Dict[str, Mapping[str, str]]:
    node = loc.require("ages", dict)
    out = {}
    for key in node:
        if key not in AGE_GROUPS:
            raise DataError(path, f"unknown age group {key!r} (use {', '.join(AGE_GROUPS)})",
                            line=line_of(node, key), entry=loc.entry, field=f"ages.{key}")
    for group in AGE_GROUPS:
        sub = Located(path, node, loc.entry)
        try:
            out[group] = MappingProxyType(sub.text(group))
        except DataError as exc:
            line = exc.line if group in node else line_of(loc.node, "ages")
            raise DataError(path, exc.message, line=line, entry=loc.entry,
                            field=f"ages.{group}") from None
    return out


def _item_error(loc: Located, seq: Any, index: int, message: str) -> DataError:
    return DataError(loc.path, message, line=line_of(seq, index), entry=loc.entry,
                     field=f"related[{index}]")


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The catalogue of the default file, loaded once per process."""
    return load_catalogue()
