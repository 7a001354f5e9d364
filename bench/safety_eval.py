"""Recall, false alarms and speed of the risk detector.

    python bench/safety_eval.py [--file tests/safety/safety_messages.yml] [--rules PATH]

Prints recall on the risk messages, the false-alarm rate on the near-misses
(with every miss and false alarm), and the mean / p95 time of one ``assess``
call per message (cold cache), with three messages of history, and for one
100,000-character message.  Exits non-zero if recall < 100% or false alarms > 5%.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    from ruamel.yaml import YAML

    from bot.safety import RiskDetector

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(REPO / "tests" / "safety" / "safety_messages.yml"))
    parser.add_argument("--rules", default=None, help="rules file (default: the project's)")
    args = parser.parse_args(argv)

    data = YAML(typ="safe").load(Path(args.file).read_text(encoding="utf-8"))
    risk = [e if isinstance(e, dict) else {"text": e} for e in data["risk"]]
    near = list(data["near_miss"])

    started = time.perf_counter()
    detector = RiskDetector(args.rules)
    print(f"rules: {detector.path} ({len(detector.rules.rules)} rules, "
          f"{len(detector.rules.suppressors)} suppressors), built in "
          f"{time.perf_counter() - started:.2f}s")

    timings, misses, alarms = [], [], []
    detector.assess("warm up")
    for entry in risk:
        t0 = time.perf_counter()
        result = detector.assess(entry["text"])
        timings.append(time.perf_counter() - t0)
        if not result.at_risk or (entry.get("expect") and entry["expect"] not in result.categories):
            misses.append(entry["text"])
    for text in near:
        t0 = time.perf_counter()
        result = detector.assess(text)
        timings.append(time.perf_counter() - t0)
        if result.at_risk:
            alarms.append(f"{text}  {list(result.rules)}")

    history_times = []
    for i, entry in enumerate(risk):
        history = [near[(i + k) % len(near)] + f" ({i})" for k in range(3)]  # uncached
        t0 = time.perf_counter()
        detector.assess(entry["text"] + " ", history)
        history_times.append(time.perf_counter() - t0)

    filler = "We discussed the reading scheme and the timetable for next term. "
    huge = filler * 800 + "A girl told me she wants to kill herself. " + filler * 800
    t0 = time.perf_counter()
    huge_result = detector.assess(huge)
    huge_time = time.perf_counter() - t0

    recall = 1 - len(misses) / len(risk)
    false_alarm = len(alarms) / len(near)
    print(f"recall:       {recall:.1%}  ({len(risk) - len(misses)}/{len(risk)} risk messages)")
    print(f"false alarms: {false_alarm:.1%}  ({len(alarms)}/{len(near)} near-miss messages)")
    print(f"assess time:  mean {statistics.mean(timings) * 1000:.2f} ms, "
          f"p95 {_p95(timings) * 1000:.2f} ms per message ({len(timings)} messages)")
    print(f"with history: mean {statistics.mean(history_times) * 1000:.2f} ms, "
          f"p95 {_p95(history_times) * 1000:.2f} ms (3 earlier messages, uncached)")
    print(f"100k chars:   {huge_time * 1000:.0f} ms (at_risk={huge_result.at_risk})")
    for text in misses:
        print(f"  MISSED      {text}")
    for text in alarms:
        print(f"  FALSE ALARM {text}")
    return 0 if not misses and false_alarm <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
