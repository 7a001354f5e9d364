"""The safety layer as one call: the rules OR the learned net (issue 14).

``SafetyLayer(detector, net).assess(text, history, embedding)`` ->
:class:`~bot.safety.detector.RiskAssessment`.  The rules decide alone when the
net is absent.  With the net:

- the alarm is the rules' OR the net's (``net.threshold``);
- the level: when rules fired, theirs (they are explainable), raised to
  ``emergency`` if the net is confident the message is an emergency
  (``P(urgent | risk) <= 1 - urgent_threshold``); when only the net fired,
  ``urgent`` only if it is sure (``>= urgent_threshold``), else ``emergency``;
- ``fired_by`` says which of the two raised the alarm and ``net`` carries the
  score, for the hazard log and ``python -m bot.safety``.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import numpy as np

from bot.safety.detector import RiskAssessment, RiskDetector
from bot.safety.net import RiskNet

NET_RULE = "net"


class SafetyLayer:
    def __init__(self, detector: RiskDetector, net: Optional[RiskNet] = None):
        self.detector = detector
        self.net = net

    def assess(self, text: str, history: Sequence[str] = (), embedding: Optional[np.ndarray] = None,
               welsh: Optional[bool] = None) -> RiskAssessment:
        rules = self.detector.assess(text, history)
        if self.net is None or not isinstance(text, str) or not text.strip():
            return rules
        embeddings = None if embedding is None else np.asarray(embedding).reshape(1, -1)
        score = self.net.scores([text], embeddings, None if welsh is None else [welsh])[0]
        net_level = self.net.level(score)
        if rules.at_risk:
            level = rules.level
            if net_level and level == "urgent" and score.urgent <= 1 - self.net.urgent_threshold:
                level = "emergency"
            fired_by = ("rules", "net") if net_level else ("rules",)
            return replace(rules, level=level, net=score.as_dict(), fired_by=fired_by)
        if net_level is None:
            return replace(rules, net=score.as_dict())
        return RiskAssessment(True, (), (NET_RULE,), rules.suppressed_by, level=net_level,
                              net=score.as_dict(), fired_by=("net",))
