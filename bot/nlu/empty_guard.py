"""Rasa graph component: a message with no words is never classified.

An empty, whitespace-only or emoji-only message carries nothing to classify,
yet the classifier still picks its "nearest" intent, sometimes confidently.
This component turns such messages into ``nlu_fallback`` so the bot asks
what was meant (a clarification) instead of answering a guess.  It runs after
the FallbackClassifier and before the risk detector (which always has the
last word).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

FALLBACK = "nlu_fallback"


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text or "")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmptyMessageGuard(GraphComponent, IntentClassifier):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "EmptyMessageGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and not text.startswith("/") and not has_words(text):
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != FALLBACK]
                message.set(INTENT, {"name": FALLBACK, "confidence": 1.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [{"name": FALLBACK, "confidence": 1.0}] + ranking,
                            add_to_output=True)
        return messages
