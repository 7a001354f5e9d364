"""Rasa graph component: the safety layer's risk check on every message.

A thin adapter over :class:`bot.safety.detector.RiskDetector`.  It goes LAST in
the NLU pipeline (after DIETClassifier and FallbackClassifier) so that its
decision wins over whatever the classifiers thought the message meant::

    - name: bot.nlu.risk_detector.RiskDetectorComponent

On every message it sets ``risk`` (``RiskAssessment.as_dict()``: ``at_risk``,
``categories``, ``rules``, ``suppressed_by``) in the parse data.  When the
message is at risk it also

* sets the intent to ``{"name": "risk_disclosure", "confidence": 1.0}``,
* puts that intent first in ``intent_ranking``,
* keeps what the classifiers predicted as ``original_intent``,

all with ``add_to_output=True``, so they reach ``tracker.latest_message`` and a
rule on ``intent: risk_disclosure`` can answer with the emergency steps, inside
a form too.

Context: Rasa hands an NLU component's ``process`` the conversation's tracker
when the method has a ``tracker`` parameter (``DefaultV1Recipe`` maps it to the
``__tracker__`` placeholder).  The practitioner's last few messages of the
current session become the detector's ``history``, so "she said it again today"
after a risk message, or "how many paracetamol would..." after distress, fire.
Only message texts already in the tracker are read; nothing is stored here.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.core.events import Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.detector import HISTORY_WINDOW, RiskDetector as Detector, get_detector

logger = logging.getLogger(__name__)

RISK_INTENT = "risk_disclosure"
RISK_KEY = "risk"
ORIGINAL_INTENT_KEY = "original_intent"


def history_from_tracker(tracker: Optional[DialogueStateTracker],
                         limit: int = HISTORY_WINDOW) -> List[str]:
    """The practitioner's previous messages in this session, oldest first."""
    if tracker is None:
        return []
    texts: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, UserUttered):
            text = event.text
            if text and not text.startswith("/"):  # "/intent" payloads are buttons
                texts.append(text)
                if len(texts) >= limit:
                    break
    return list(reversed(texts))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RiskDetectorComponent(GraphComponent, IntentClassifier):
    """Overrides the intent with ``risk_disclosure`` when a message signals risk."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # The intent set on a risk message (must be in domain.yml).
            "intent": RISK_INTENT,
            # Rules file; None = env NEST_RISK_RULES or data/safety/risk_rules.yml.
            "rules_path": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    def __init__(self, config: Dict[Text, Any], detector: Optional[Detector] = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}
        self.intent = str(self._config["intent"])
        path = self._config.get("rules_path")
        # Built now, so a broken rules file stops the model from loading
        # instead of silently letting risk messages through.
        self.detector = detector or (Detector(path) if path else get_detector())

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "RiskDetectorComponent":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message],
                tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        history = history_from_tracker(tracker)
        for message in messages:
            self.process_message(message, history)
        return messages

    def process_message(self, message: Message, history: List[str]) -> None:
        text = message.get(TEXT) or ""
        try:
            assessment = self.detector.assess(text, history)
        except Exception:  # never let the safety check take the bot down
            logger.exception("risk detector failed; message treated as not assessed")
            message.set(RISK_KEY, {"at_risk": False, "categories": [], "rules": [],
                                   "suppressed_by": [], "error": "detector_failed"},
                        add_to_output=True)
            return
        message.set(RISK_KEY, assessment.as_dict(), add_to_output=True)
        if not assessment.at_risk:
            return
        original = message.get(INTENT)
        message.set(ORIGINAL_INTENT_KEY, dict(original) if original else None,
                    add_to_output=True)
        risk_intent = {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, risk_intent, add_to_output=True)
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or [])
                   if r.get(INTENT_NAME_KEY) != self.intent]
        message.set(INTENT_RANKING_KEY, [dict(risk_intent)] + ranking, add_to_output=True)
