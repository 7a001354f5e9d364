"""Find the per-language texts of a data file and what is wrong with their Welsh."""
from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path
from typing import Iterator, List, Tuple

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[2]
TOPICS = REPO / "data" / "knowledge" / "topics.yml"
SERVICES = REPO / "data" / "services" / "services.yml"
NOTICE = REPO / "data" / "privacy" / "notice.yml"
DATA_FILES = (TOPICS, SERVICES, NOTICE)

_WORD = re.compile(r"[^\W\d_]{2,}")


def load(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def language_texts(node, where: Tuple[str, ...] = ()) -> Iterator[Tuple[str, dict]]:
    """Every text stored per language code ({en: ..., cy: ...}) with where it sits."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            yield ".".join(where), node
            return
        for key, value in node.items():
            yield from language_texts(value, where + (str(key),))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            label = str(item["id"]) if isinstance(item, dict) and "id" in item else f"#{i + 1}"
            yield from language_texts(item, where + (label,))


def placeholders(text: str) -> Counter:
    """The {placeholders} of a text, counted (a broken brace raises ValueError)."""
    return Counter(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def words_outside_placeholders(text: str) -> List[str]:
    return _WORD.findall(re.sub(r"\{[^{}]*\}", " ", text))


def welsh_problems(data) -> List[str]:
    """Why each text of a loaded data file lacks a usable Welsh version."""
    problems = []
    for where, texts in language_texts(data):
        en, cy = texts["en"], texts.get("cy")
        if not isinstance(cy, str) or not cy.strip():
            problems.append(f"{where}: no Welsh (cy) text")
            continue
        try:
            if placeholders(en) != placeholders(cy):
                problems.append(f"{where}: placeholders differ: en {sorted(placeholders(en))}, "
                                f"cy {sorted(placeholders(cy))}")
        except ValueError as exc:
            problems.append(f"{where}: broken placeholder ({exc})")
        if len(words_outside_placeholders(en)) >= 3 and cy.strip() == en.strip():
            problems.append(f"{where}: the Welsh is a copy of the English")
    return problems
