"""Rasa's FallbackClassifier with its own confidence threshold for Welsh messages.

The intent classifier is less sure of itself in Welsh (fewer examples, and the
MiniLM embedding only knows English), so at one shared threshold a Welsh speaker is
asked to clarify about twice as often as an English speaker while getting fewer
wrong answers. That is less favourable treatment of Welsh. ``welsh_threshold`` is
chosen so that Welsh messages are answered wrongly as often as English ones at
``threshold``, as nearly as a 0.05 grid allows (5-fold cross-validation on the training data: ``python
bench/nlu_cv.py --sweep``, README).

    - name: bot.nlu.language_fallback.LanguageAwareFallbackClassifier
      threshold: 0.4
      welsh_threshold: 0.35
      ambiguity_threshold: 0.1

A message counts as Welsh by the same offline detector the intent classifier uses
(bot.nlu.linear_classifier.is_welsh). Without ``welsh_threshold`` it behaves exactly
like Rasa's FallbackClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import (
    THRESHOLD_KEY,
    FallbackClassifier,
    _fallback_intent,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.linear_classifier import is_welsh

WELSH_THRESHOLD_KEY = "welsh_threshold"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class LanguageAwareFallbackClassifier(FallbackClassifier):
    """nlu_fallback below a per-language confidence threshold."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(), WELSH_THRESHOLD_KEY: None}

    def threshold_for(self, message: Message) -> float:
        welsh = self.component_config.get(WELSH_THRESHOLD_KEY)
        if welsh is not None and is_welsh(message):
            return float(welsh)
        return float(self.component_config[THRESHOLD_KEY])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if not self._should_fallback(message):
                continue
            # as Rasa's: the fallback's confidence is the threshold that applied
            confidence = self.threshold_for(message)
            message.data[INTENT] = _fallback_intent(confidence)
            message.data.setdefault(INTENT_RANKING_KEY, [])
            message.data[INTENT_RANKING_KEY].insert(0, _fallback_intent(confidence))
        return messages

    def _nlu_confidence_below_threshold(self, message: Message) -> Tuple[bool, Optional[float]]:
        confidence = message.data[INTENT].get(PREDICTED_CONFIDENCE_KEY)
        return confidence < self.threshold_for(message), confidence
