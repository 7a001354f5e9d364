"""Score a safety evaluation set: the rules OR the learned net, as the bot runs them.

    python bench/safety_blind.py data/safety/rounds/blind_round1.yml [...] [--show] [--rules-only]
                                 [--model models/nest-bot.tar.gz]

Each set has ``risk`` entries (text, level emergency|urgent, kind, lang, and
optional ``history``: the practitioner's earlier messages) and ``near_miss``
entries.  Prints, per set and per language: recall (any alarm), false alarms,
how many messages needing ``emergency`` got less (target 0) and how many
``urgent`` ones were raised to ``emergency``.  The net is the one stored in the
trained model (``--model``), so the figures are the bot's own.

``--show`` lists every miss and false alarm: do not use it on a blind set
before its first-sight figures are recorded.
"""
from __future__ import annotations

import argparse
import os
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def net_from_model(model: Path):
    """The RiskNet stored in a trained Rasa model archive, with config thresholds."""
    from bot.safety.net import RiskNet
    with tarfile.open(model) as archive:
        member = next((m for m in archive.getmembers() if m.name.endswith("risk_net.pkl")), None)
        if member is None:
            raise SystemExit(f"{model} holds no risk net: train the model first")
        with tempfile.TemporaryDirectory() as folder:
            archive.extract(member, folder)
            net = RiskNet.load(Path(folder) / member.name)
    from ruamel.yaml import YAML
    config = YAML(typ="safe").load((REPO / "config.yml").read_text(encoding="utf-8"))
    part = next(c for c in config["pipeline"] if c["name"].endswith("RiskDetectorComponent"))
    net.threshold = float(part.get("net_threshold", net.threshold))
    net.urgent_threshold = float(part.get("net_urgent_threshold", net.urgent_threshold))
    return net


def load_set(path: Path):
    from ruamel.yaml import YAML
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    norm = lambda e: e if isinstance(e, dict) else {"text": e}   # noqa: E731
    return [norm(e) for e in data.get("risk") or []], [norm(e) for e in data.get("near_miss") or []]


def score(layer, risk, near):
    rows = []
    for entry in risk:
        a = layer.assess(entry["text"], entry.get("history") or [])
        rows.append(("risk", entry, a))
    for entry in near:
        a = layer.assess(entry["text"], entry.get("history") or [])
        rows.append(("near", entry, a))
    return rows


def report(name, rows, show=False):
    out = {}
    for lang in ("all", "en", "cy"):
        sel = [r for r in rows if lang == "all" or (r[1].get("lang") or "en") == lang]
        risk = [r for r in sel if r[0] == "risk"]
        near = [r for r in sel if r[0] == "near"]
        caught = [r for r in risk if r[2].at_risk]
        alarms = [r for r in near if r[2].at_risk]
        em = [r for r in risk if r[1].get("level", "emergency") == "emergency"]
        ur = [r for r in risk if r[1].get("level") == "urgent"]
        under = [r for r in em if r[2].level != "emergency"]
        over = [r for r in ur if r[2].level == "emergency"]
        if not risk and not near:
            continue
        out[lang] = (len(caught), len(risk), len(alarms), len(near), len(under), len(em), len(over), len(ur))
        print(f"{name} [{lang}]: recall {len(caught)}/{len(risk)} = {len(caught) / max(len(risk), 1):.3f}; "
              f"false alarms {len(alarms)}/{len(near)} = {len(alarms) / max(len(near), 1):.3f}; "
              f"emergency given less {len(under)}/{len(em)}; urgent raised to emergency "
              f"{len(over)}/{len(ur)}")
    by = Counter("+".join(r[2].fired_by) for r in rows if r[0] == "risk" and r[2].at_risk)
    print(f"{name}: alarms on risk messages raised by {dict(by)}")
    if show:
        for kind, entry, a in rows:
            if kind == "risk" and not a.at_risk:
                print(f"  MISSED [{entry.get('level')}/{entry.get('kind')}] {entry['text']}"
                      f"{'  (after: ' + ' | '.join(entry['history']) + ')' if entry.get('history') else ''}"
                      f"  net={a.net}")
            elif kind == "risk" and entry.get("level", "emergency") == "emergency" and a.level != "emergency":
                print(f"  UNDER   [{entry.get('kind')}] {entry['text']}  {a.rules} net={a.net}")
            elif kind == "near" and a.at_risk:
                print(f"  ALARM   [{entry.get('kind')}] {entry['text']}  {a.rules} net={a.net}")
    return out


def main(argv=None) -> int:
    from bot.safety import get_detector
    from bot.safety.layer import SafetyLayer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--model", default=str(REPO / "models" / "nest-bot.tar.gz"))
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--min-recall", type=float, default=None,
                        help="fail (exit 1) if any file's recall is below this")
    parser.add_argument("--max-false-alarms", type=float, default=None,
                        help="fail if any file's false-alarm rate is above this")
    parser.add_argument("--max-emergency-under", type=int, default=None,
                        help="fail if more emergency messages than this get less than emergency")
    args = parser.parse_args(argv)
    net = None if args.rules_only else net_from_model(Path(args.model))
    layer = SafetyLayer(get_detector(), net)
    failed = []
    for name in args.files:
        risk, near = load_set(Path(name))
        caught, n_risk, alarms, n_near, under, _, _, _ = report(
            Path(name).name, score(layer, risk, near), args.show)["all"]
        if args.min_recall is not None and n_risk and caught / n_risk < args.min_recall:
            failed.append(f"{name}: recall {caught}/{n_risk} below {args.min_recall}")
        if args.max_false_alarms is not None and n_near and alarms / n_near > args.max_false_alarms:
            failed.append(f"{name}: false alarms {alarms}/{n_near} above {args.max_false_alarms}")
        if args.max_emergency_under is not None and under > args.max_emergency_under:
            failed.append(f"{name}: {under} emergency messages given less than emergency")
    for line in failed:
        print(f"FAILED {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
