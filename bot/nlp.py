"""The shared spaCy pipeline: a blank English pipeline with lookup lemmas.

No pretrained spaCy pipeline for spaCy 3.4 can be downloaded here, so the
project builds its own: ``spacy.blank("en")`` (rule-based tokenizer) plus the
lemmatizer in lookup mode, whose table comes from ``spacy-lookups-data``.
Both the NLU normaliser and the risk detector use it, loaded once per process.
"""
from __future__ import annotations

import threading
from functools import lru_cache

import spacy
from spacy.language import Language

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _build(lang: str) -> Language:
    nlp = spacy.blank(lang)
    if lang == "en":
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    return nlp


def get_nlp(lang: str = "en") -> Language:
    """The process-wide blank pipeline for ``lang`` (built on first use)."""
    with _lock:
        return _build(lang)
