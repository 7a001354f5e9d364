"""User-facing message templates, per language, from ``data/texts/messages.yml``.

Actions compose replies from these templates; no sentence a user reads is
written in Python.  ``t("answer.source", lang, section=...)`` formats one.
"""
from __future__ import annotations

import os
import string
from functools import lru_cache
from pathlib import Path
from typing import Dict

from bot.datafile import DataError, Located, load_yaml, pick

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TEXTS_FILE = REPO / "data" / "texts" / "messages.yml"


def load_texts(path: Path | str | None = None) -> Dict[str, Dict[str, str]]:
    path = Path(path or os.environ.get("NEST_TEXTS_FILE") or DEFAULT_TEXTS_FILE)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("texts"), dict):
        raise DataError(path, "must be a mapping with a 'texts' mapping", line=1)
    node = data["texts"]
    out: Dict[str, Dict[str, str]] = {}
    for key in node:
        out[str(key)] = Located(path, node, entry=str(key)).text(key)
        # placeholders must be the same in every language
        fields = [{f for _, f, _, _ in string.Formatter().parse(v) if f} for v in out[str(key)].values()]
        if any(f != fields[0] for f in fields):
            raise Located(path, node, entry=str(key)).error(
                "every language must use the same {placeholders}", key)
    return out


@lru_cache(maxsize=1)
def _texts() -> Dict[str, Dict[str, str]]:
    return load_texts()


def t(key: str, lang: str = "en", **values) -> str:
    """The text ``key`` in ``lang`` (English fallback), formatted with ``values``."""
    try:
        template = pick(_texts()[key], lang)
    except KeyError:
        raise KeyError(f"no text {key!r} in {DEFAULT_TEXTS_FILE}") from None
    return template.format(**values) if values else template
