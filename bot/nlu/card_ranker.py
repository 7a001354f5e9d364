"""Rasa graph component: rank the knowledge cards for every message (issue 15).

A thin adapter over :mod:`bot.knowledge.retrieval`, placed after the
classifier and the fallback classifier (as Rasa's ResponseSelector sits after
the featurizers): it reuses what the pipeline already computed, the tokens'
lemmas and the MiniLM sentence embedding, and the classifier's topic
confidences as a prior.  It writes the best candidates into the parse data::

    "cards": {"lang": "en", "candidates": [{"card": ..., "score": ..., ...}, ...],
              "decision": "card" | "choice" | "none", "chosen": [card ids]}

and the answer action reads them from the latest message.  It ranks every
message, including those that end in ``nlu_fallback``, so a clarification can
offer cards.

The cards are read from ``data/knowledge/cards/`` when the model loads, not
stored in the model: adding or editing a card needs a restart, not retraining.
A card file that fails validation stops the server with the file, line, card
and field (as every operator file does).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.cards import get_cards
from bot.knowledge.retrieval import CardIndex, Settings, decide, topic_confidences
from bot.language import detect

logger = logging.getLogger(__name__)
CARDS_KEY = "cards"
TOP = 5


def sentence_embedding(message: Message) -> Optional[np.ndarray]:
    """The MiniLM sentence embedding the featurizer added (the pipeline's only
    dense feature; None when absent)."""
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else np.asarray(sentence.features).reshape(-1)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CardRanker(GraphComponent):
    """Adds the ranked knowledge cards to every message's parse data."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {k: getattr(Settings, k) for k in Settings.__dataclass_fields__}

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    def __init__(self, config: Dict[Text, Any], index: Optional[CardIndex] = None) -> None:
        self.settings = Settings.from_config({**self.get_default_config(), **(config or {})})
        self.index = index if index is not None else CardIndex(get_cards(), settings=self.settings)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "CardRanker":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(CARDS_KEY, self.rank(message), add_to_output=True)
        return messages

    def rank(self, message: Message) -> Dict[str, Any]:
        text = message.get(TEXT) or ""
        if not text.strip():
            return {"lang": "en", "candidates": [], "decision": "none", "chosen": []}
        lang = "cy" if detect(text)[0] == "cy" else "en"
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        lemmas = [t.lemma for t in tokens] if tokens else None
        ranking = message.get(INTENT_RANKING_KEY) or []
        candidates = self.index.rank(text, lang, embedding=sentence_embedding(message),
                                     lemmas=lemmas, topic_confidence=topic_confidences(ranking),
                                     limit=TOP)
        rows = [c.as_dict() for c in candidates]
        decision = decide(rows, self.settings.answer, self.settings.margin, exact=self.settings.exact)
        return {"lang": lang, "candidates": rows, "decision": decision.kind,
                "chosen": list(decision.cards)}
