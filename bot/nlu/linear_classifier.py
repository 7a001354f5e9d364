"""Rasa graph component: the linear intent classifier (bot.nlu.intent_model).

A thin adapter: it reads the normalised lemmas our tokenizer put on each
message and the MiniLM sentence embedding the MiniLMFeaturizer added, trains
:class:`bot.nlu.intent_model.LinearIntentModel` on them and, at run time, sets
the message's intent and intent ranking. DIET stays in the pipeline for the
entities (``intent_classification: false``).

Place it after the featurizers and before the FallbackClassifier::

    - name: bot.nlu.linear_classifier.LinearIntentClassifier
      C: 20
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import detect
from bot.nlu.intent_model import LinearIntentModel

logger = logging.getLogger(__name__)
MODEL_FILE = "linear_intent_model.joblib"


def lemma_text(message: Message) -> str:
    """The message as the model reads it: its tokens' normalised lemmas."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join((t.lemma or t.text or "").lower() for t in tokens)


def is_welsh(message: Message) -> bool:
    """Is the message written in Welsh (bot.language's offline detector)?"""
    return detect(message.get(TEXT) or "")[0] == "cy"


def sentence_embedding(message: Message, dim: Optional[int] = None) -> Optional[np.ndarray]:
    """The dense sentence features (the MiniLM embedding), or None/zeros if absent."""
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        return None if dim is None else np.zeros(dim, dtype=np.float32)
    return np.asarray(sentence.features, dtype=np.float32).reshape(-1)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression over lemma/character TF-IDF and MiniLM meaning."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer, Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 10.0, "embedding_weight": 1.0, "welsh_embedding_weight": 0.4,
                "max_word_ngram": 2,
                "min_char_ngram": 2, "max_char_ngram": 5, "ranking_length": 10,
                "random_seed": 2026}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "joblib"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearIntentModel] = None, embedding_dim: int = 0) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.embedding_dim = embedding_dim

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            logger.warning("LinearIntentClassifier: fewer than two intents; nothing trained.")
            return self._resource
        embeddings = [sentence_embedding(m) for m in examples]
        dims = {e.shape[0] for e in embeddings if e is not None}
        if len(dims) > 1:
            raise ValueError(f"LinearIntentClassifier: sentence features of mixed sizes {dims}")
        self.embedding_dim = dims.pop() if dims else 0
        matrix = (np.stack([e if e is not None else np.zeros(self.embedding_dim, np.float32)
                            for e in embeddings]) if self.embedding_dim else None)
        self.model = LinearIntentModel(
            C=float(self.config["C"]), embedding_weight=float(self.config["embedding_weight"]),
            welsh_embedding_weight=float(self.config["welsh_embedding_weight"]),
            max_word_ngram=int(self.config["max_word_ngram"]),
            char_ngrams=(int(self.config["min_char_ngram"]), int(self.config["max_char_ngram"])),
            random_state=int(self.config["random_seed"]),
        ).fit([lemma_text(m) for m in examples], matrix, [m.get(INTENT) for m in examples],
              welsh=[is_welsh(m) for m in examples])
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump({"model": self.model, "embedding_dim": self.embedding_dim},
                        directory / MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("LinearIntentClassifier: no trained model found; it will not classify.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, saved["model"], saved["embedding_dim"])

    def process(self, messages: List[Message]) -> List[Message]:
        # Every message gets an intent, as DIET did: the FallbackClassifier needs
        # one (an empty message is the guard's to overrule; for "/intent" button
        # payloads Rasa's RegexMessageHandler has the last word).
        length = int(self.config["ranking_length"])
        for message in messages:
            if self.model is None or not self.model.trained:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            embedding = sentence_embedding(message, self.embedding_dim) if self.embedding_dim else None
            ranking = self.model.rank(lemma_text(message), embedding, welsh=is_welsh(message))
            top_name, top_conf = ranking[0]
            message.set(INTENT, {"name": top_name, "confidence": top_conf}, add_to_output=True)
            message.set(INTENT_RANKING_KEY,
                        [{"name": n, "confidence": c} for n, c in ranking[:length]],
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
