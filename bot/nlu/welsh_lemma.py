"""Welsh lemmas for the NLU: mutations and plurals undone, offline.

Welsh words change their first letter after certain words (soft, nasal and
aspirate mutation: *plentyn*, *ei blentyn*, *fy mhlentyn*, *ei phlentyn*) and
form plurals irregularly (*plentyn* / *plant*, *athro* / *athrawon*). spaCy has no
Welsh lemmatizer, so to our English lookup lemmas these were all different words,
and the classifier had to learn each form from examples. ``welsh_lemma`` maps
them to one dictionary form using simplemma's Welsh word list (a lookup table,
no model; about 0.3 MB), so "fy mhlentyn", "ei blentyn" and "plant" share a
feature.

Function words are left alone: the word list reads some of them as rare verb
forms (``ei`` "his/her" as a form of *mynd* "to go"), which would merge words the
classifier needs to keep apart. Words the list does not know (new terms such as
*trawma*, English words in a Welsh message, names) come back lowercased as typed.
Measured by 5-fold CV on the training data (README, "How the NLU works").
"""
from __future__ import annotations

from functools import lru_cache

import simplemma

# Pronouns, possessives, articles and particles kept as typed (see above).
FUNCTION_WORDS = frozenset("""
a ac ag am ar at i o y yr 'r r n m th u w fy dy ei eu ein eich 'n 'm 'th 'i 'u 'w yn na nac nad
mi fi ti e fe fo hi ni chi nhw nhwthau efo gyda gydag beth
""".split())


@lru_cache(maxsize=20000)
def welsh_lemma(word: str) -> str:
    """The dictionary form of one Welsh word, lowercased (see module docstring)."""
    w = (word or "").lower()
    if not w or w in FUNCTION_WORDS or not any(ch.isalpha() for ch in w):
        return w
    return simplemma.lemmatize(w, lang="cy").lower()


def load() -> None:
    """Load the Welsh word list now (about 0.2 s) rather than on the first Welsh message."""
    simplemma.lemmatize("plant", lang="cy")
