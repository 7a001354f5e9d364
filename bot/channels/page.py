"""The web chat page's texts and configuration, in plain Python (no Rasa).

``load_page_texts(path)`` reads and validates ``data/texts/web.yml``
(errors name file, line, entry and field); ``page_config(texts)`` builds the
JSON the page reads: its labels in every offered language (English filling
any gap), the one-line privacy notice from :mod:`bot.privacy.notice`, and the
limits the page enforces.  ``render_index(...)`` fills the HTML template.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

from bot.datafile import DEFAULT_LANGUAGE, LANGUAGES, DataError, Located, line_of, load_yaml, pick

REPO = Path(__file__).resolve().parents[2]
DEFAULT_WEB_TEXTS_FILE = REPO / "data" / "texts" / "web.yml"
ENV_WEB_TEXTS_FILE = "NEST_WEB_TEXTS_FILE"
STATIC_DIR = Path(__file__).resolve().parent / "static"

# Longest message the page lets a user send (the channel refuses longer ones).
MAX_MESSAGE_CHARS = 2000
# Served from STATIC_DIR (nothing else is: no path ever comes from the request).
STATIC_FILES = {"chat.js": "application/javascript; charset=utf-8",
                "chat.css": "text/css; charset=utf-8"}

# Every key the page uses (index.html and chat.js); the shipped file must hold them all.
REQUIRED_KEYS: Tuple[str, ...] = (
    "page.title", "page.heading", "page.tagline", "page.language", "page.new_conversation",
    "page.new_conversation_confirm", "page.no_script",
    "log.label", "log.you", "log.bot", "log.empty", "input.label", "input.send",
    "status.replying", "status.error", "status.too_long", "card.show_text",
    "answer.source",
    "signpost.heading_emergency", "signpost.call_999", "signpost.steps", "signpost.lines",
    "signpost.heading_urgent", "signpost.heading_routine", "signpost.open_now", "signpost.closed",
    "signpost.hours", "signpost.call", "signpost.press", "signpost.text", "signpost.text_keyword",
    "signpost.web", "signpost.email", "signpost.demo",
    "booking.heading_offer", "booking.heading_confirm", "booking.heading_confirmed",
    "booking.heading_list", "booking.heading_cancelled", "booking.heading_unavailable",
    "booking.heading_error", "booking.reference", "booking.keep_reference", "booking.none",
    "booking.field_professional", "booking.field_when", "booking.field_length", "booking.field_kind",
    "booking.field_mode", "booking.field_setting", "booking.field_topic", "booking.field_name",
    "booking.field_role", "booking.field_contact", "booking.field_status", "booking.minutes",
    "booking.places_left", "booking.kind_consultation", "booking.kind_drop_in", "booking.mode_phone",
    "booking.mode_video", "booking.mode_in_person", "booking.status_booked",
    "booking.status_cancelled", "booking.status_moved",
)


@dataclass(frozen=True)
class PageTexts:
    path: str
    languages: Dict[str, str]              # code -> the language's name in itself
    texts: Dict[str, Dict[str, str]]       # key -> {code: text}

    def get(self, key: str, lang: str = DEFAULT_LANGUAGE) -> str:
        return pick(self.texts[key], lang)

    def for_language(self, lang: str) -> Dict[str, str]:
        """Every label in ``lang``, English where that language has none yet."""
        return {key: pick(value, lang) for key, value in self.texts.items()}


def _placeholders(where: Located, key: str, lang: str, text: str) -> set:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise where.error(f"{lang} text has a broken {{placeholder}}: {exc}", key) from None


def load_page_texts(path: Path | str | None = None) -> PageTexts:
    """Read and validate the page's texts (default ``data/texts/web.yml``;
    ``NEST_WEB_TEXTS_FILE`` overrides it)."""
    path = Path(path or os.environ.get(ENV_WEB_TEXTS_FILE) or DEFAULT_WEB_TEXTS_FILE)
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise DataError(path, "must be a mapping with 'languages' and 'texts'", line=1)
    top = Located(path, data)
    languages_node = top.require("languages", dict)
    languages: Dict[str, str] = {}
    for code in languages_node:
        where = Located(path, languages_node, entry=str(code))
        if code not in LANGUAGES:
            raise where.error(f"unknown language code {code!r} (use one of {', '.join(LANGUAGES)})", code)
        languages[str(code)] = where.require(code, str).strip()
    if DEFAULT_LANGUAGE not in languages:
        raise DataError(path, f"the {DEFAULT_LANGUAGE!r} language must be offered",
                        line=line_of(data, "languages"), field="languages")
    node = top.require("texts", dict)
    texts: Dict[str, Dict[str, str]] = {}
    for key in node:
        where = Located(path, node, entry=str(key))
        value = where.text(key)
        fields = {lang: _placeholders(where, key, lang, text) for lang, text in value.items()}
        english = fields[DEFAULT_LANGUAGE]
        for lang, found in fields.items():
            if found != english:
                raise where.error(f"the {lang} text must use the same {{placeholders}} as the en text "
                                  f"({', '.join(sorted(english)) or 'none'})", key)
        texts[str(key)] = value
    for key in REQUIRED_KEYS:
        if key not in texts:
            raise DataError(path, "this text is required by the page but missing",
                            line=line_of(data, "texts"), entry=key)
    return PageTexts(str(path), languages, texts)


def page_config(texts: PageTexts, *, notice=None) -> dict:
    """What the page needs to run, as JSON: labels and notice per language.

    ``notice(lang)`` gives the one-line privacy notice (default
    :func:`bot.privacy.notice.short_notice`).
    """
    if notice is None:
        from bot.privacy.notice import short_notice as notice
    return {
        "default_language": DEFAULT_LANGUAGE,
        "languages": dict(texts.languages),
        "texts": {lang: texts.for_language(lang) for lang in texts.languages},
        "notice": {lang: notice(lang) for lang in texts.languages},
        "max_message_chars": MAX_MESSAGE_CHARS,
        "switch_language_intent": "switch_language",
    }


@lru_cache(maxsize=None)
def _static(name: str) -> Tuple[bytes, str]:
    body = (STATIC_DIR / name).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


def static_file(name: str) -> Optional[Tuple[bytes, str]]:
    """(body, content type) of one of the page's assets, or None."""
    if name not in STATIC_FILES:
        return None
    return _static(name)[0], STATIC_FILES[name]


def asset_version(name: str) -> str:
    return _static(name)[1]


_SLOT = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")


def json_for_script(value: object) -> str:
    """JSON safe inside an HTML <script> element (no "</script>", no "<!--")."""
    return (json.dumps(value, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_index(config: dict, lang: Optional[str] = None) -> str:
    """index.html with its labels (HTML-escaped) and the config filled in."""
    lang = lang if lang in config["texts"] else config["default_language"]
    labels = config["texts"][lang]
    values = {
        "lang": lang,
        "config": json_for_script(config),
        "notice": html.escape(config["notice"][lang]),
        "js_version": asset_version("chat.js"),
        "css_version": asset_version("chat.css"),
        "max_message_chars": str(config["max_message_chars"]),
    }
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")

    def fill(match: "re.Match[str]") -> str:
        key = match.group(1)
        if key in values:
            return values[key]
        if key in labels:
            return html.escape(labels[key])
        raise KeyError(f"index.html uses {{{{{key}}}}}, which is neither a text nor a value")

    return _SLOT.sub(fill, template)
