"""A linear intent model over words, characters and sentence meaning.

Plain Python (scikit-learn), testable without Rasa: ``bot.nlu.linear_classifier``
is the thin Rasa adapter. Features, per message:

- TF-IDF of word 1-2 grams of the normalised lemmas (our spaCy tokenizer);
- TF-IDF of character 2-5 grams inside words (``char_wb``): carries typos and,
  above all, Welsh, whose mutations (plentyn / blentyn / mhlentyn) share
  character n-grams but not words;
- the all-MiniLM-L6-v2 sentence embedding (English meaning and paraphrase).

all-MiniLM-L6-v2 was trained on English: for a Welsh message its embedding is
mostly noise, so it counts for less there (``welsh_embedding_weight``; the
caller says which messages are Welsh, from ``bot.language.detect``).

A multinomial logistic regression over them gives calibrated-looking
probabilities for every intent, which the FallbackClassifier thresholds.
Why: on a like-for-like split of our training data it was more accurate than
DIET's intent classification and wrong less often when confident; averaging
the two was no better than this alone (README, "How the NLU works").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


@dataclass
class LinearIntentModel:
    """Fit with :meth:`fit`, then :meth:`rank` messages."""

    C: float = 10.0
    embedding_weight: float = 1.0
    welsh_embedding_weight: float = 0.4
    max_word_ngram: int = 2
    char_ngrams: Tuple[int, int] = (2, 5)
    random_state: int = 2026
    _words: Optional[TfidfVectorizer] = field(default=None, repr=False)
    _chars: Optional[TfidfVectorizer] = field(default=None, repr=False)
    _clf: Optional[LogisticRegression] = field(default=None, repr=False)

    @property
    def trained(self) -> bool:
        return self._clf is not None

    @property
    def intents(self) -> List[str]:
        return [] if self._clf is None else [str(c) for c in self._clf.classes_]

    def _matrix(self, lemmas: Sequence[str], embeddings: Optional[np.ndarray], fit: bool,
                welsh: Optional[Sequence[bool]] = None):
        if fit:
            words = self._words.fit_transform(lemmas)
            chars = self._chars.fit_transform(lemmas)
        else:
            words = self._words.transform(lemmas)
            chars = self._chars.transform(lemmas)
        blocks = [words, chars]
        if embeddings is not None and embeddings.size:
            weights = np.full((len(lemmas), 1), self.embedding_weight)
            if welsh is not None:
                weights[np.asarray(welsh, dtype=bool)] *= self.welsh_embedding_weight
            blocks.append(csr_matrix(np.asarray(embeddings, dtype=np.float64) * weights))
        return hstack(blocks).tocsr()

    def fit(self, lemmas: Sequence[str], embeddings: Optional[np.ndarray],
            labels: Sequence[str], welsh: Optional[Sequence[bool]] = None) -> "LinearIntentModel":
        """Train on lemma strings, (n, d) sentence embeddings (or None) and intents;
        ``welsh`` marks the Welsh messages (their embeddings weigh less)."""
        if len(lemmas) != len(labels) or (embeddings is not None and len(embeddings) != len(labels)):
            raise ValueError("lemmas, embeddings and labels must have the same length")
        if len(set(labels)) < 2:
            raise ValueError("at least two intents are needed to train an intent model")
        self._words = TfidfVectorizer(ngram_range=(1, self.max_word_ngram), sublinear_tf=True,
                                      token_pattern=r"(?u)[^\s]+")
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                      sublinear_tf=True)
        X = self._matrix(list(lemmas), embeddings, fit=True, welsh=welsh)
        self._clf = LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
        self._clf.fit(X, np.asarray(labels))
        return self

    def probabilities(self, lemmas: Sequence[str], embeddings: Optional[np.ndarray],
                      welsh: Optional[Sequence[bool]] = None) -> np.ndarray:
        """(n, len(intents)) probabilities, rows summing to 1."""
        if self._clf is None:
            raise RuntimeError("the intent model is not trained")
        return self._clf.predict_proba(self._matrix(list(lemmas), embeddings, fit=False, welsh=welsh))

    def rank(self, lemma: str, embedding: Optional[np.ndarray],
             welsh: bool = False) -> List[Tuple[str, float]]:
        """Every intent with its probability for one message, most likely first."""
        emb = None if embedding is None else np.asarray(embedding).reshape(1, -1)
        probs = self.probabilities([lemma], emb, [welsh])[0]
        order = np.argsort(-probs, kind="stable")
        return [(self.intents[i], float(probs[i])) for i in order]
