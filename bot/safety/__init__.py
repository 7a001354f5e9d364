"""The safety layer: a rule-based, auditable risk detector.

``get_detector().assess(text, history)`` -> :class:`RiskAssessment`.  The rules
are operator data in ``data/safety/risk_rules.yml``.
"""
from bot.safety.detector import RiskAssessment, RiskDetector, get_detector

__all__ = ["RiskAssessment", "RiskDetector", "get_detector"]
