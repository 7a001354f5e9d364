"""The privacy texts users read, from ``data/privacy/notice.yml`` (issue 6).

``short_notice(lang)`` is the one-line notice for the web chat page and the
bot's first message; ``what_we_keep(lang)`` answers "what do you keep about
me?"; ``deleted_notice(lang)`` confirms "delete my conversation".  The
retention periods in them are the ones actually enforced
(:func:`bot.privacy.retention.policy_from_env`).
"""
from __future__ import annotations

import os
import string
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

from bot.datafile import DataError, Located, line_of, load_yaml, pick
from bot.privacy.retention import RetentionPolicy, policy_from_env

REPO = Path(__file__).resolve().parents[2]
DEFAULT_NOTICE_FILE = REPO / "data" / "privacy" / "notice.yml"
ENV_NOTICE_FILE = "NEST_PRIVACY_NOTICE_FILE"
REQUIRED = ("notice.short", "notice.what_we_keep", "notice.deleted")
ALLOWED_FIELDS = {"conversation_days", "booking_days"}


def load_notice(path: Path | str | None = None) -> Dict[str, Dict[str, str]]:
    """The texts per key and language, validated (errors name file, line, entry, field)."""
    path = Path(path or os.environ.get(ENV_NOTICE_FILE) or DEFAULT_NOTICE_FILE)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("texts"), dict):
        raise DataError(path, "must be a mapping with a 'texts' mapping", line=1)
    node = data["texts"]
    out: Dict[str, Dict[str, str]] = {}
    for key in node:
        where = Located(path, node, entry=str(key))
        texts = where.text(key)
        for lang, text in texts.items():
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise where.error(f"{lang} text has a broken {{placeholder}}: {exc}", key) from None
            unknown = fields - ALLOWED_FIELDS
            if unknown:
                raise where.error(f"{lang} text uses unknown placeholder(s) "
                                  f"{', '.join(sorted(unknown))} (use {', '.join(sorted(ALLOWED_FIELDS))})", key)
        out[str(key)] = texts
    for key in REQUIRED:
        if key not in out:
            raise DataError(path, "this text is required but missing", line=line_of(node), entry=key)
    return out


@lru_cache(maxsize=1)
def _notice() -> Dict[str, Dict[str, str]]:
    return load_notice()


def _text(key: str, lang: str, policy: Optional[RetentionPolicy]) -> str:
    policy = policy or policy_from_env()
    return pick(_notice()[key], lang).format(conversation_days=policy.conversation_days,
                                            booking_days=policy.booking_days)


def short_notice(lang: str = "en", policy: Optional[RetentionPolicy] = None) -> str:
    """One line for the web page and the bot's first message."""
    return _text("notice.short", lang, policy)


def what_we_keep(lang: str = "en", policy: Optional[RetentionPolicy] = None) -> str:
    """The plain answer to "what do you keep about me?"."""
    return _text("notice.what_we_keep", lang, policy)


def deleted_notice(lang: str = "en", policy: Optional[RetentionPolicy] = None) -> str:
    """The confirmation after "delete my conversation"."""
    return _text("notice.deleted", lang, policy)
