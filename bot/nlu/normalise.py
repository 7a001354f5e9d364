"""Text normalisation for the NLU, built on the shared spaCy pipeline.

Practitioners type fast: mixed case, curly quotes, American spellings, common
misspellings ("behavour", "trama"), school shorthand ("yr 8", "ed psych").
This module turns a message into tokens whose *lemma* is a normalised,
lemmatised form (spaCy lookup lemmas over a spelling table), so that "calming
down", "calmed" and "calms" share features, and so do "behavior" and
"behaviour".  The token *text* and character offsets stay those of the original
message, so entity extraction still points at what the user typed.

Pure Python: no Rasa import here, so it is testable on its own.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

from ruamel.yaml import YAML

from bot.nlp import get_nlp
from bot.nlu.welsh_lemma import welsh_lemma

SPELLING_FILE = Path(__file__).with_name("spelling.yml")
MAX_CHARS = 2000  # longer messages are classified on their first 2,000 chars

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "\u00b4": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_REPEATS = re.compile(r"(\w)\1{2,}")  # "soooo" -> "soo"


@dataclass(frozen=True)
class NormToken:
    text: str   # as typed
    start: int  # offsets in the original message
    end: int
    lemma: str  # normalised + lemmatised


@lru_cache(maxsize=1)
def spelling_table() -> Dict[str, str]:
    data = YAML(typ="safe").load(SPELLING_FILE.read_text(encoding="utf-8")) or {}
    table: Dict[str, str] = {}
    for canonical, variants in data.items():
        for variant in variants or []:
            table[str(variant).lower()] = str(canonical).lower()
    return table


def clean_text(text: str) -> str:
    """Unicode-normalise without changing the length of the message.

    Offsets must stay valid, so only 1:1 replacements happen here.
    """
    text = text.translate(_QUOTES)
    out = []
    for ch in text:
        if ord(ch) in _ZERO_WIDTH:
            out.append(" ")
            continue
        norm = unicodedata.normalize("NFKC", ch)
        out.append(norm if len(norm) == 1 else ch)
    return "".join(out)


def plain_word(word: str) -> str:
    """Lowercase, outer apostrophes off, letter repeats collapsed ("Soooo" -> "soo")."""
    return _REPEATS.sub(r"\1\1", word.lower().strip("'"))


def normalise_word(word: str) -> str:
    """:func:`plain_word`, then English spelling variants mapped."""
    w = plain_word(word)
    return spelling_table().get(w, w)


def tokenize(text: str, welsh: bool = False) -> List[NormToken]:
    """Tokens of ``text`` with normalised lemmas (see module docstring).

    ``welsh``: the message is in Welsh, so lemmas are Welsh dictionary forms
    (``bot.nlu.welsh_lemma``: mutations and plurals undone) instead of English
    lookup lemmas and spelling fixes.
    """
    if not text:
        return []
    text = clean_text(text[:MAX_CHARS])
    nlp = get_nlp("en")
    doc = nlp(text)
    tokens: List[NormToken] = []
    table = spelling_table()
    for tok in doc:
        if tok.is_space or tok.is_punct and tok.text not in {"?", "!"}:
            continue
        raw = tok.text
        if welsh:
            lemma = welsh_lemma(plain_word(raw))
            tokens.append(NormToken(raw, tok.idx, tok.idx + len(raw), lemma or raw.lower()))
            continue
        norm = normalise_word(raw)
        if norm != raw.lower():
            lemma = norm  # a spelling fix: the table holds the canonical form
        else:
            lemma = (tok.lemma_ or raw).lower()
            lemma = table.get(lemma, lemma)
        tokens.append(NormToken(raw, tok.idx, tok.idx + len(raw), lemma))
    return tokens


def normalised(text: str, welsh: bool = False) -> str:
    """The message as the classifier sees it (for debugging and the README)."""
    return " ".join(t.lemma for t in tokenize(text, welsh=welsh))
