"""Fuzzy matching of what a practitioner types for their setting.

"Pen y Bryn", "ysgol penybryn", "Pen-y-bryn primary" and "Penybrin" should
all find *Ysgol Pen-y-Bryn*.  Names are compared without accents (ŵ = w),
case or punctuation; generic words (school, ysgol, primary, youth centre...)
count for little, so "Ysgol Gynradd Llwynderw" matches "Llwynderw".
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Iterable, List, Sequence, Tuple

GENERIC = {
    "the", "of", "and", "a", "school", "schools", "ysgol", "primary", "secondary", "high",
    "comprehensive", "infant", "infants", "junior", "juniors", "nursery", "academy", "college",
    "cp", "rc", "cw", "community", "church", "in", "gynradd", "gyfun", "uwchradd", "feithrin",
    "meithrin", "youth", "centre", "center", "club", "service", "services", "project", "hub",
    "canolfan", "ieuenctid", "clwb", "st", "saint", "sant", "welsh", "medium", "gymraeg",
}
THRESHOLD = 0.6


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _tokens(text: str) -> List[str]:
    return [t for t in normalise(text).split() if t not in GENERIC]


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def score(query: str, candidate: str) -> float:
    """How well ``query`` names ``candidate``, from 0 to 1."""
    q, c = normalise(query), normalise(candidate)
    if not q or not c:
        return 0.0
    if q == c:
        return 1.0
    best = _ratio(q, c)
    q_compact, c_compact = q.replace(" ", ""), c.replace(" ", "")
    if q_compact == c_compact:
        return 0.98
    q_tokens, c_tokens = _tokens(query), _tokens(candidate)
    if q_tokens and c_tokens:
        qd, cd = "".join(q_tokens), "".join(c_tokens)
        if qd == cd:
            best = max(best, 0.95)
        elif len(qd) >= 4 and qd in cd:
            best = max(best, 0.75 + 0.2 * len(qd) / len(cd))
        best = max(best, 0.93 * _ratio(qd, cd))
        # every distinctive word of the query close to some word of the name
        matched = sum(max(_ratio(t, u) for u in c_tokens) for t in q_tokens) / len(q_tokens)
        coverage = sum(max(_ratio(u, t) for t in q_tokens) for u in c_tokens) / len(c_tokens)
        best = max(best, 0.9 * matched * (0.7 + 0.3 * coverage))
    return round(best, 4)


def rank(query: str, candidates: Iterable[Tuple[object, Sequence[str]]],
         threshold: float = THRESHOLD) -> List[Tuple[float, object]]:
    """``[(score, item)]`` best first, for items given with their names."""
    out = []
    for item, names in candidates:
        best = max((score(query, name) for name in names), default=0.0)
        if best >= threshold:
            out.append((best, item))
    out.sort(key=lambda pair: -pair[0])
    return out
