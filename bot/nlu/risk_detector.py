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

The learned second net (``bot.safety.net``, issue 14) is trained with the model:
``train`` fits it on ``data/safety/net_training.yml`` and the NLU examples it is
given (``risk_disclosure`` = emergency, every other intent = safe), reusing the
MiniLM sentence features the featurizer already computed, and stores it with
the model.  ``process`` OR-s its alarm with the rules' (``bot.safety.layer``),
reading the message's MiniLM features again instead of encoding the text twice.
``risk`` then also carries ``level`` (emergency | urgent), ``net`` (its score)
and ``fired_by``.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np

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
from bot.safety.layer import SafetyLayer
from bot.safety.net import (Example, RiskNet, embed, label_of_intent, merge_examples,
                            net_file_examples, net_training_files, round_examples)

NET_FILE = "risk_net.pkl"

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
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
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
            # The learned second net (bot/safety/net.py); false = rules only.
            "net": True,
            "net_C": 16.0,
            # Chosen by cross-validation of the training pool (bench/safety_net_cv.py).
            "net_threshold": 0.50,
            "net_urgent_threshold": 0.95,
            # The net's own training files; None = data/safety/net_training*.yml.
            "net_training_files": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    def __init__(self, config: Dict[Text, Any], model_storage: Optional[ModelStorage] = None,
                 resource: Optional[Resource] = None, detector: Optional[Detector] = None,
                 net: Optional[RiskNet] = None) -> None:
        self._config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self.intent = str(self._config["intent"])
        path = self._config.get("rules_path")
        # Built now, so a broken rules file stops the model from loading
        # instead of silently letting risk messages through.
        self.detector = detector or (Detector(path) if path else get_detector())
        self.net = net
        if net is not None:
            net.threshold = float(self._config["net_threshold"])
            net.urgent_threshold = float(self._config["net_urgent_threshold"])
        self.layer = SafetyLayer(self.detector, net)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "RiskDetectorComponent":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RiskDetectorComponent":
        net = None
        if ({**cls.get_default_config(), **(config or {})})["net"]:
            try:
                with model_storage.read_from(resource) as folder:
                    net = RiskNet.load(folder / NET_FILE)
            except (ValueError, FileNotFoundError, OSError):
                logger.warning("the risk net is missing from the model: rules only")
        return cls(config, model_storage, resource, net=net)

    def train(self, training_data: TrainingData) -> Resource:
        if not self._config["net"] or self._model_storage is None:
            return self._resource
        # the NLU examples with the MiniLM features the featurizer already computed
        features = {}
        nlu = []
        for message in training_data.intent_examples:
            text = message.get(TEXT) or ""
            nlu.append(Example(text, label_of_intent(message.get(INTENT))))
            _, sentence = message.get_dense_features(TEXT)
            if sentence is not None:
                features.setdefault(text, np.asarray(sentence.features).reshape(-1))
        files = self._config.get("net_training_files") or net_training_files()
        pool = merge_examples(nlu, (e for f in files for e in net_file_examples(Path(f))),
                              round_examples())
        texts, labels = [e.text for e in pool], [e.label for e in pool]
        vectors = [features.get(text) for text in texts]
        missing = [i for i, v in enumerate(vectors) if v is None or v.shape != (384,)]
        if missing:
            for i, v in zip(missing, embed([texts[i] for i in missing])):
                vectors[i] = v
        net = RiskNet(C=float(self._config["net_C"]),
                      threshold=float(self._config["net_threshold"]),
                      urgent_threshold=float(self._config["net_urgent_threshold"]))
        net.fit(texts, labels, np.stack(vectors))
        with self._model_storage.write_to(self._resource) as folder:
            net.save(Path(folder) / NET_FILE)
        self.net = net
        self.layer = SafetyLayer(self.detector, net)
        logger.info("risk net trained on %d messages (%d risk)", len(texts),
                    sum(label != "safe" for label in labels))
        return self._resource

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
            embedding = None
            if self.net is not None:
                _, sentence = message.get_dense_features(TEXT)
                if sentence is not None:
                    embedding = np.asarray(sentence.features).reshape(-1)
            assessment = self.layer.assess(text, history, embedding)
        except Exception:  # never let the safety check take the bot down
            logger.exception("risk detector failed; message treated as not assessed")
            message.set(RISK_KEY, {"at_risk": False, "level": None, "categories": [], "rules": [],
                                   "suppressed_by": [], "net": None, "fired_by": [],
                                   "error": "detector_failed"},
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
