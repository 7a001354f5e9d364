"""Rasa graph component: tags each message with the language it is written in.

A thin adapter over :func:`bot.language.detect`.  When the detector is
confident (``threshold``, default 0.8), the message gets the entity
``{"entity": "language", "value": "cy" | "en", "start": 0, "end": len(text),
"confidence_entity": <confidence>, "extractor": "LanguageDetector"}``, which fills
the ``language`` slot through a ``from_entity`` mapping.  Otherwise nothing is
added and the slot keeps the practitioner's language: a short or mixed message
("ok", "diolch", "CAMHS?", a school's name) never flips it.

It goes after the intent classifier and entity extractors in the pipeline and
adds nothing when the message already carries a ``language`` entity or was
classified as one of ``skip_intents`` (by default ``switch_language``): "can you
answer in Welsh" is written in English but asks for Welsh, and the explicit
request must win.  Not trainable; it adds nothing to the training data.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import detect

ENTITY = "language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(GraphComponent, EntityExtractorMixin):
    """Adds a ``language`` entity when the message's language is clear."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"threshold": 0.8, "skip_intents": ["switch_language"]}

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **(config or {})}
        self.threshold = float(self._config["threshold"])
        self.skip_intents = set(self._config.get("skip_intents") or [])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "LanguageDetector":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entity = self.language_entity(message)
            if entity is not None:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name([entity]),
                            add_to_output=True)
        return messages

    def language_entity(self, message: Message) -> Optional[Dict[Text, Any]]:
        text = message.get(TEXT) or ""
        if any(e.get("entity") == ENTITY for e in message.get(ENTITIES, []) or []):
            return None
        intent = (message.get(INTENT) or {}).get("name")
        if intent in self.skip_intents:
            return None
        lang, confidence = detect(text)
        if lang is None or confidence < self.threshold:
            return None
        return {"entity": ENTITY, "value": lang, "start": 0, "end": len(text),
                "confidence_entity": confidence}
