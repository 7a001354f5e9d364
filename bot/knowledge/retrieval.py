"""Finding the card that answers a question (issue 15): plain Python, no Rasa.

:class:`CardIndex` ranks the knowledge cards for one message with a hybrid of

- **lexical**: Okapi BM25 (``rank_bm25``) over lemmas, per language: English
  cards are indexed with the English lookup lemmas, Welsh cards with Welsh
  dictionary forms (mutations undone), exactly as the NLU tokenizer lemmatises
  the message (``bot.nlu.normalise.tokenize``), stop words left out; a card's
  document is its title, its ways of asking and its answer.  The score is
  squashed to 0-1 as ``s / (s + lexical_k)``;
- **dense**: the cosine between the message's MiniLM sentence embedding (the
  one the featurizer already computed) and each of the card's questions and
  its title (the best of them), in both languages (MiniLM reads English best,
  so a Welsh message is also compared with the English questions);
- **prior**: the classifier's confidence in the card's topic; a prior, never a
  filter.

``score = dense_weight * dense + answer_weight * answer + lexical_weight * lexical
+ prior_weight * prior`` (``answer``: the cosine with the card's answer text).
Weights and the decision thresholds of :func:`decide` are chosen by
cross-validation on the cards' own question forms (``bench/cards_cv.py``),
never on a held-out set, and live in config.yml (the ranker's settings).

Card embeddings are cached by content hash (``var/cache/card_embeddings.npz``),
so a restart after editing a card encodes only what changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from rank_bm25 import BM25Okapi

from bot.knowledge.cards import Card, CardSet

REPO = Path(__file__).resolve().parents[2]
EMBEDDING_CACHE = REPO / "var" / "cache" / "card_embeddings.npz"

# Words that say nothing about which card is meant (English lemmas, Welsh forms).
_EN_STOP = frozenset("""
a an the and or but of to in on at for with by from as is be are was were been being am do does did
doing have has had having it its this that these those there here what which who whom whose when
where why how i me my we our you your he him his she her they them their not no yes can could
should would will shall may might must about into than then so if also any some such very just
tell explain mean say framework nest nyth please know want like get go one thing
""".split())
_CY_STOP = frozenset("""
a ac ag am ar at i o y yr r n m yn na nac nad ei eu ein eich fy dy mae yw ydy oes sydd bod beth
pa pwy sut pam ble pryd gyda gydag efo hefyd neu ond fel ydi oedd roedd fydd bydd dweud esbonio
golygu fframwaith nyth ti chi fi ni nhw hi fe fo e wrth dros heb dan rhwng hyn hwn hon hynny
""".split())


def stop_words(lang: str) -> frozenset:
    return _CY_STOP if lang == "cy" else _EN_STOP


@dataclass(frozen=True)
class Candidate:
    card: str
    score: float
    dense: float
    lexical: float
    prior: float

    def as_dict(self) -> Dict[str, float]:
        return {"card": self.card, "score": round(self.score, 4), "dense": round(self.dense, 4),
                "lexical": round(self.lexical, 4), "prior": round(self.prior, 4)}


@dataclass(frozen=True)
class Settings:
    dense_weight: float = 0.6
    answer_weight: float = 0.0
    lexical_weight: float = 0.4
    prior_weight: float = 0.15
    lexical_k: float = 6.0
    # decide(): a card when the best score reaches `answer` and leads the next
    # by `margin`; a choice of cards when it reaches `answer` but does not lead;
    # below `answer`, the topic's overview (or a clarification).
    answer: float = 0.55
    margin: float = 0.04
    # A message that is (nearly) one of a card's own ways of asking, by MiniLM
    # cosine, gets that card whatever the other signals say: the operator wrote
    # that question for that card.
    exact: float = 0.95

    @classmethod
    def from_config(cls, config: Mapping) -> "Settings":
        known = {k: float(config[k]) for k in cls.__dataclass_fields__ if k in config}
        return cls(**known)


Lemmatise = Callable[[str, str], List[str]]   # (text, lang) -> lemmas
Embed = Callable[[Sequence[str]], np.ndarray]


def default_lemmatise(text: str, lang: str) -> List[str]:
    from bot.nlu.normalise import tokenize
    return [t.lemma for t in tokenize(text, welsh=(lang == "cy"))]


def _terms(lemmas: Sequence[str], lang: str) -> List[str]:
    stop = stop_words(lang)
    return [w for w in lemmas if w and w not in stop and any(ch.isalnum() for ch in w)]


class CardIndex:
    """The cards ready to rank: BM25 per language and the embeddings of their questions."""

    def __init__(self, cards: CardSet, embed: Optional[Embed] = None,
                 lemmatise: Lemmatise = default_lemmatise,
                 settings: Settings = Settings(),
                 leave_out: Mapping[str, Sequence[str]] = ()):
        """``leave_out``: per card id, questions to leave out of the index
        (cross-validation asks the left-out questions)."""
        self.cards = cards
        self.settings = settings
        self.lemmatise = lemmatise
        self.ids: List[str] = [c.id for c in cards]
        self._topic = np.array([c.topic for c in cards])
        leave = {k: set(v) for k, v in dict(leave_out or {}).items()}
        self._bm25: Dict[str, BM25Okapi] = {}
        for lang in ("en", "cy"):
            docs = []
            for card in cards:
                asks = [q for q in card.questions(lang) if q not in leave.get(card.id, ())]
                text = " ".join([card.title(lang)] * 2 + asks + [card.answer(lang)])
                docs.append(_terms(lemmatise(text, lang), lang) or ["<none>"])
            self._bm25[lang] = BM25Okapi(docs)
        # Dense: every question and title of every card, in both languages.
        texts, owner = [], []
        for i, card in enumerate(cards):
            for lang in ("en", "cy"):
                for q in (card.title(lang),) + tuple(card.questions(lang)):
                    if q not in leave.get(card.id, ()):
                        texts.append(q)
                        owner.append(i)
        # ... and every card's answer, in both languages (the facts a question names)
        for i, card in enumerate(cards):
            for lang in ("en", "cy"):
                texts.append(card.answer(lang))
                owner.append(-1 - i)
        owner = np.array(owner, dtype=np.int64)
        if embed is None:
            from bot.nlu.minilm import encode_cached
            vectors = encode_cached(texts, EMBEDDING_CACHE)
        else:
            vectors = embed(texts)
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.maximum(norms, 1e-9)
        asks = owner >= 0
        self._vectors, self._owner = vectors[asks], owner[asks]
        self._answer_vectors, self._answer_owner = vectors[~asks], -1 - owner[~asks]

    def __len__(self) -> int:
        return len(self.ids)

    # -- the three signals ---------------------------------------------------------------------
    def _best_cosine(self, embedding, vectors, owner) -> np.ndarray:
        out = np.zeros(len(self.ids), dtype=np.float32)
        if embedding is None or len(vectors) == 0:
            return out
        q = np.asarray(embedding, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(q))
        if norm == 0.0:
            return out
        np.maximum.at(out, owner, vectors @ (q / norm))
        return np.clip(out, 0.0, 1.0)

    def dense_scores(self, embedding: Optional[np.ndarray]) -> np.ndarray:
        """Per card, the best cosine with its questions and titles."""
        return self._best_cosine(embedding, self._vectors, self._owner)

    def answer_scores(self, embedding: Optional[np.ndarray]) -> np.ndarray:
        """Per card, the best cosine with its answer (either language)."""
        return self._best_cosine(embedding, self._answer_vectors, self._answer_owner)

    def raw_lexical_scores(self, lemmas: Sequence[str], lang: str) -> np.ndarray:
        """BM25 scores (0 or more) of every card for the message's lemmas."""
        terms = _terms(lemmas, lang)
        if not terms:
            return np.zeros(len(self.ids), dtype=np.float32)
        raw = np.asarray(self._bm25["cy" if lang == "cy" else "en"].get_scores(terms), dtype=np.float32)
        return np.maximum(raw, 0.0)

    def lexical_scores(self, lemmas: Sequence[str], lang: str) -> np.ndarray:
        raw = self.raw_lexical_scores(lemmas, lang)
        return raw / (raw + self.settings.lexical_k)

    def prior_scores(self, topic_confidence: Mapping[str, float]) -> np.ndarray:
        if not topic_confidence:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.array([float(topic_confidence.get(t, 0.0)) for t in self._topic], dtype=np.float32)

    # -- ranking -------------------------------------------------------------------------------
    def rank(self, text: str, lang: str = "en", *, embedding: Optional[np.ndarray] = None,
             lemmas: Optional[Sequence[str]] = None,
             topic_confidence: Optional[Mapping[str, float]] = None,
             limit: int = 5) -> List[Candidate]:
        """The best ``limit`` cards for a message, best first."""
        if not self.ids or not isinstance(text, str) or not text.strip():
            return []
        if lemmas is None:
            lemmas = self.lemmatise(text, lang)
        s = self.settings
        dense = self.dense_scores(embedding)
        lexical = self.lexical_scores(lemmas, lang)
        prior = self.prior_scores(topic_confidence or {})
        total = s.dense_weight * dense + s.lexical_weight * lexical + s.prior_weight * prior
        if s.answer_weight:
            total = total + s.answer_weight * self.answer_scores(embedding)
        order = np.argsort(-total, kind="stable")[:limit]
        return [Candidate(self.ids[i], float(total[i]), float(dense[i]), float(lexical[i]),
                          float(prior[i])) for i in order]


def topic_confidences(intent_ranking: Sequence[Mapping]) -> Dict[str, float]:
    """{topic id: confidence} from the classifier's ranking (``topic_<id>`` intents)."""
    out: Dict[str, float] = {}
    for entry in intent_ranking or ():
        name = entry.get("name") or ""
        if name.startswith("topic_"):
            out[name[len("topic_"):]] = float(entry.get("confidence") or 0.0)
    return out


@dataclass(frozen=True)
class Decision:
    kind: str                 # "card", "choice" or "none"
    cards: Tuple[str, ...]    # the card, or the cards to choose from


def decide(candidates: Sequence[Mapping], answer: float, margin: float,
           max_choices: int = 3, exact: Optional[float] = None) -> Decision:
    """What to do with a ranking (dicts with ``card`` and ``score``, best first;
    ``dense`` when known)."""
    if not candidates:
        return Decision("none", ())
    asked = [] if exact is None else [c for c in candidates if float(c.get("dense") or 0.0) >= exact]
    if len(asked) == 1:
        return Decision("card", (asked[0]["card"],))
    best = float(candidates[0]["score"])
    if best < answer:
        return Decision("none", ())
    second = float(candidates[1]["score"]) if len(candidates) > 1 else 0.0
    if best - second >= margin:
        return Decision("card", (candidates[0]["card"],))
    close = [c["card"] for c in candidates[:max_choices] if best - float(c["score"]) < margin]
    return Decision("choice", tuple(close))
