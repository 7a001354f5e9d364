"""Helpers for the services tests: times in London, and services files with one edit."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.clock import LONDON
from bot.services import load_directory

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "data" / "services" / "services.yml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


def london(y, mo, d, h=12, mi=0) -> datetime:
    """A wall-clock time in the UK (GMT or BST as it was then)."""
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


def utc(y, mo, d, h=12, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)


def edited(tmp_path: Path, old: str, new: str, name: str = "services.yml"):
    """Write the shipped file with ``old`` (which must occur once) replaced by
    ``new``; return (path, the 1-based line where the edit starts)."""
    assert SHIPPED_TEXT.count(old) == 1, f"{old!r} must occur exactly once in the shipped file"
    text = SHIPPED_TEXT.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    line = SHIPPED_TEXT[: SHIPPED_TEXT.index(old)].count("\n") + 1
    return path, line


def directory_with(tmp_path: Path, *pairs: str):
    """The directory of the shipped file with each (old, new) pair replaced."""
    text = SHIPPED_TEXT
    for old, new in zip(pairs[::2], pairs[1::2]):
        assert text.count(old) == 1, f"{old!r} must occur exactly once in the shipped file"
        text = text.replace(old, new)
    path = tmp_path / "services.yml"
    path.write_text(text, encoding="utf-8")
    return load_directory(path)
