"""Small builders for topics files used by the knowledge tests."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Optional

from bot.knowledge import REQUIRED_TOPIC_IDS

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "data" / "knowledge" / "topics.yml"


def _seeds_dir() -> Path:
    """The framework texts beside the repository (``../shared/seeds``), or where
    NEST_SEEDS_DIR says; the workplace's copy when the checkout sits elsewhere."""
    import os
    for candidate in (os.environ.get("NEST_SEEDS_DIR"), REPO.parent / "shared" / "seeds",
                      Path("/work/shared/seeds")):
        if candidate and (Path(candidate) / "nest-framework-full.txt").exists():
            return Path(candidate)
    raise FileNotFoundError("the framework texts (../shared/seeds) are not beside this checkout: "
                            "set NEST_SEEDS_DIR")


SEEDS_DIR = _seeds_dir()
SEED_FILES = (SEEDS_DIR / "nest-framework-full.txt", SEEDS_DIR / "nest-framework-summary.txt")

# A valid answer of 45 words (the loader accepts 40 to 180).
WORDS_45 = " ".join(["word"] * 45)


def words(n: int) -> str:
    return " ".join(["word"] * n)


def topic_block(tid: str, replace: Optional[Dict[str, Optional[str]]] = None) -> str:
    """One topic entry; ``replace`` maps a field to its raw YAML line(s), None drops it."""
    related = REQUIRED_TOPIC_IDS[1] if tid == REQUIRED_TOPIC_IDS[0] else REQUIRED_TOPIC_IDS[0]
    fields = {
        "id": f"id: {tid}",
        "title": f'title: {{en: "Title of {tid}"}}',
        "source": 'source: {en: "No wrong door"}',
        "answer": f'answer: {{en: "{WORDS_45}"}}',
        "more": 'more: {en: "More about it."}',
        "example": 'example: {en: "An example."}',
        "ages": ('ages:\n'
                 '      young_children: {en: "For little ones."}\n'
                 '      teenagers: {en: "For teenagers."}'),
        "related": f"related: [{related}]",
    }
    fields.update(replace or {})
    lines = [value for value in fields.values() if value is not None]
    first, rest = lines[0], lines[1:]
    return "\n".join([f"  - {first}"] + [f"    {line}" for line in rest])


def topics_text(overrides: Optional[Dict[str, Dict[str, Optional[str]]]] = None,
                extra: str = "", drop: tuple = ()) -> str:
    """A complete topics file with every required id; ``overrides`` per topic id."""
    overrides = overrides or {}
    blocks = [topic_block(tid, overrides.get(tid)) for tid in REQUIRED_TOPIC_IDS if tid not in drop]
    if extra:
        blocks.append(extra)
    return "version: 1\ntopics:\n" + "\n".join(blocks) + "\n"


def write(tmp_path: Path, text: str, name: str = "topics.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, after: Optional[str] = None) -> int:
    """1-based number of the first line containing ``needle`` (after the line with ``after``)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i + 1
    raise AssertionError(f"{needle!r} not in text")


def normalise(text: str) -> list:
    """Lower case, letters and digits only, split into words."""
    return re.findall(r"[^\W_]+", text.lower())
