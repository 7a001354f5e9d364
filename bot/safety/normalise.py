"""Text normalisation before risk matching.

Practitioners paste text from phones, e-mails and chat apps: curly quotes,
zero-width characters, full-width letters, look-alike Cyrillic letters,
emphasis ("killll", "pleeeease") and glued punctuation ("myself.he said").
Everything is made plain, lower case and space-separated so that the spaCy
rules see ordinary words.  Offsets are not preserved (the detector reports
rule ids, never text).
"""
from __future__ import annotations

import re
import unicodedata
from itertools import product
from typing import Callable, Optional

_DROP = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062"
                               "\u2063\u2064\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067"
                               "\u2068\u2069"), None)
_MAP = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`\u02bc"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"),
    **dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                             "\u2009\u200a\u202f\u205f\u3000\t\r\x0b\x0c"), " "),
    # Cyrillic and Greek letters that look Latin (used to dodge filters).
    **{ord(k): v for k, v in {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y",
                              "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ο": "o",
                              "α": "a", "ι": "i", "κ": "k", "ν": "v", "τ": "t"}.items()},
    **_DROP,
}
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PUNCT_RE = re.compile(r'([.!?,;:"()\[\]{}<>/\\|*~#+=^&@%_\u2026])')
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_RUN_RE = re.compile(r"([^\W\d_])\1{2,}")
# Words spelt out letter by letter: "d i e", "k.m.s", "s-u-i-c-i-d-e" (3+ letters).
_SPACED_RE = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-*_]){2,}[^\W\d_](?![^\W\d_])")
_MAX_RUNS = 4


def _collapse(word: str, known: Callable[[str], bool]) -> str:
    """Squeeze letters repeated 3+ times: to two or one letter, whichever makes a
    known word ("killll" -> "kill", "diiie" -> "die"); two when neither does."""
    runs = list(_RUN_RE.finditer(word))[:_MAX_RUNS]
    pieces, last = [], 0
    for m in runs:
        pieces.append(word[last:m.start()])
        last = m.end()
    tail = word[last:]
    letters = [m.group(1) for m in runs]
    # All-two first (common English doubles: "good", "kill"), then all-one, then mixtures.
    counts = [tuple([2] * len(runs)), tuple([1] * len(runs))]
    counts += [c for c in product((2, 1), repeat=len(runs)) if c not in counts]
    for combo in counts:
        cand = "".join(p + l * n for p, l, n in zip(pieces, letters, combo)) + tail
        if known(cand):
            return cand
    return "".join(p + l * 2 for p, l in zip(pieces, letters)) + tail


def normalise(text: str, spellings: Optional[dict] = None,
              known: Optional[Callable[[str], bool]] = None) -> str:
    """Plain, lower-case, space-separated text for matching."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_MAP)
    text = _CONTROL_RE.sub(" ", text).lower()
    text = _SPACED_RE.sub(lambda m: re.sub(r"[ .\-*_]", "", m.group(0)), text)
    text = _PUNCT_RE.sub(r" \1 ", text)
    if spellings or known:
        spellings = spellings or {}

        def fix(m: re.Match) -> str:
            word = m.group(0)
            if known is not None and _RUN_RE.search(word):
                word = _collapse(word, lambda w: w in spellings or known(w))
            return spellings.get(word, word)

        text = _WORD_RE.sub(fix, text)
    return text


def chunks(text: str, size: int, overlap: int) -> list[str]:
    """Split long text into overlapping windows cut at whitespace, so a phrase
    that straddles a cut is still seen whole in one window."""
    if len(text) <= size:
        return [text]
    out, start, n = [], 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind(" ", end - overlap, end)
            end = cut if cut > start else end
        out.append(text[start:end])
        if end >= n:
            break
        nxt = end - overlap
        space = text.find(" ", nxt, end)
        nxt = space + 1 if space != -1 else nxt
        start = nxt if nxt > start else end
    return out
