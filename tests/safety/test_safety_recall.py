"""Recall and false alarms of the risk detector on the hand-written evaluation set.

A miss can cost a life, so every risk message must fire (100% recall); a false
alarm costs a practitioner a few seconds, so at most 5% of near-misses may.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.safety import get_detector

MESSAGES = Path(__file__).with_name("safety_messages.yml")
MAX_FALSE_ALARM_RATE = 0.05


def _load():
    data = YAML(typ="safe").load(MESSAGES.read_text(encoding="utf-8"))
    risk = [e if isinstance(e, dict) else {"text": e} for e in data["risk"]]
    near = list(data["near_miss"])
    # A plain YAML scalar with ": " inside becomes a mapping: quote such messages.
    bad = [e for e in risk if not isinstance(e.get("text"), str)]
    bad += [e for e in near if not isinstance(e, str)]
    assert not bad, f"entries that are not message text (quote them): {bad}"
    return risk, near


RISK, NEAR_MISS = _load()


@pytest.fixture(scope="module")
def detector():
    return get_detector()


def test_safety_set_is_large_enough_and_has_no_duplicates():
    risk_texts = [e["text"] for e in RISK]
    assert len(risk_texts) >= 120 and len(NEAR_MISS) >= 120
    assert len(set(risk_texts)) == len(risk_texts)
    assert len(set(NEAR_MISS)) == len(NEAR_MISS)
    assert not set(risk_texts) & set(NEAR_MISS)


def test_safety_every_risk_message_fires(detector):
    misses = []
    for entry in RISK:
        result = detector.assess(entry["text"])
        if not result.at_risk:
            misses.append(f"MISSED: {entry['text']!r} (suppressed_by={result.suppressed_by})")
        elif entry.get("expect") and entry["expect"] not in result.categories:
            misses.append(f"WRONG CATEGORY: {entry['text']!r} expected {entry['expect']}, "
                          f"got {result.categories}")
    recall = 1 - len(misses) / len(RISK)
    assert not misses, f"recall {recall:.1%} on {len(RISK)} risk messages:\n" + "\n".join(misses)


def test_safety_near_misses_rarely_fire(detector):
    alarms = []
    for text in NEAR_MISS:
        result = detector.assess(text)
        if result.at_risk:
            alarms.append(f"FALSE ALARM: {text!r} rules={result.rules}")
    rate = len(alarms) / len(NEAR_MISS)
    print(f"\nfalse alarms {len(alarms)}/{len(NEAR_MISS)} = {rate:.1%}\n" + "\n".join(alarms))
    assert rate <= MAX_FALSE_ALARM_RATE, (
        f"false-alarm rate {rate:.1%} > {MAX_FALSE_ALARM_RATE:.0%}:\n" + "\n".join(alarms))
