"""Why did (or didn't) a message raise the safeguarding reply?

    python -m bot.safety "she asked me which bridges are the highest" \
        [--history "she said she can't cope any more"] [--model models/nest-bot.tar.gz] [--rules-only]

Prints the level, the rules that fired (with their descriptions), the
suppressors that cancelled a match, and the learned net's score against its
threshold: the explanation a safeguarding lead or the hazard log needs.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main(argv=None) -> int:
    from bot.safety import get_detector
    from bot.safety.layer import SafetyLayer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text")
    parser.add_argument("--history", action="append", default=[],
                        help="an earlier message of the same practitioner (repeat, oldest first)")
    parser.add_argument("--model", default=str(REPO / "models" / "nest-bot.tar.gz"))
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    detector = get_detector()
    net = None
    if not args.rules_only:
        if Path(args.model).exists():
            sys.path.insert(0, str(REPO))
            from bench.safety_blind import net_from_model
            net = net_from_model(Path(args.model))
        else:
            print(f"(no trained model at {args.model}: rules only)", file=sys.stderr)
    result = SafetyLayer(detector, net).assess(args.text, args.history)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    print(f"at risk:   {result.at_risk}" + (f"  (level: {result.level})" if result.at_risk else ""))
    print(f"raised by: {', '.join(result.fired_by) or 'nothing'}")
    rules = {r.id: r for r in detector.rules.rules}
    for rule_id in result.rules:
        rule = rules.get(rule_id)
        if rule is not None:
            print(f"  rule {rule_id} [{rule.kind}, {rule.level}]: {rule.description}")
    for sup in result.suppressed_by:
        print(f"  suppressed by {sup}")
    if result.net is not None and net is not None:
        print(f"net:       P(risk) {result.net['risk']:.3f} (alarm at {net.threshold}), "
              f"P(urgent | risk) {result.net['urgent']:.3f} (urgent at {net.urgent_threshold})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
