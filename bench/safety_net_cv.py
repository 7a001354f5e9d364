"""Cross-validation of the safety layer's learned net (bot/safety/net.py).

    python bench/safety_net_cv.py [--folds 5] [--C 4]

Out-of-fold probabilities for every example of the training pool
(data/safety/net_training.yml and data/nlu; nothing under tests/), then, for a
grid of thresholds: the net's recall on risk messages, the recall of the net
OR the rules, and false alarms on the near-misses and on the NLU's practice
questions.  Then, at the chosen alarm threshold, a grid of urgent thresholds:
how many emergency messages the net alone would answer at the urgent level.

The rule that picks the thresholds (config.yml, RiskDetectorComponent):
- alarm: recall first, within what ordinary use can bear: the lowest threshold
  at which at most 1% of the NLU's practice questions (the bot's everyday
  traffic) would get the safeguarding reply in CV.  (A first rule, "recall
  0.99 with at most 5% false alarms on the near-misses", was tried first and
  reached no threshold: at recall 0.99 4.5% of practice questions fired.)
- urgent: the lowest urgent threshold at which at most 1% of the emergency
  messages the net alone catches would be answered as urgent.
C=16 was chosen on the same CV (C=1, 4, 16; embedding weights 1-2; Welsh 0.4-1:
recall at the 1% budget 0.911-0.926, C=16 highest).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CACHE = REPO / "var" / "cache" / "safety_net_embeddings.npz"


def main(argv=None) -> int:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from bot.safety import get_detector
    from bot.safety.net import RiskNet, embed, is_practice_question, is_welsh, training_pool

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=16.0)
    parser.add_argument("--welsh-embedding-weight", type=float, default=0.4)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pool = training_pool()
    texts = [e.text for e in pool]
    labels = np.array([e.label for e in pool])
    welsh = [is_welsh(t) for t in texts]
    emb = embed(texts, CACHE)
    print(f"pool: {len(pool)} examples ({(labels == 'emergency').sum()} emergency, "
          f"{(labels == 'urgent').sum()} urgent, {(labels == 'safe').sum()} safe); "
          f"embedded in {time.perf_counter() - started:.0f}s")

    oof = np.zeros((len(pool), 2))       # risk, urgent share
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
    for k, (train, test) in enumerate(folds.split(texts, labels)):
        net = RiskNet(C=args.C, welsh_embedding_weight=args.welsh_embedding_weight)
        net.fit([texts[i] for i in train], labels[train], emb[train], [welsh[i] for i in train])
        scores = net.scores([texts[i] for i in test], emb[test], [welsh[i] for i in test])
        oof[test] = [(s.risk, s.urgent) for s in scores]
        print(f"  fold {k + 1}/{args.folds} done")

    detector = get_detector()
    rules = np.array([detector.assess(t).at_risk for t in texts])
    risk = labels != "safe"
    # practice: the NLU examples; near-misses: the net's own files and the scored blind rounds
    practice = np.array([is_practice_question(e) for e in pool])
    near = (labels == "safe") & ~practice
    cy = np.array(welsh)

    print(f"\nrules alone: recall {rules[risk].mean():.3f} on risk, false alarms "
          f"{rules[near].mean():.3f} on near-misses, {rules[practice].mean():.3f} on practice questions")
    print("\nthreshold  net recall  net|rules recall (en / cy)  FA near-miss  FA practice  FA either (net|rules)")
    chosen = None
    for threshold in np.arange(0.15, 0.91, 0.01):
        fired = oof[:, 0] >= threshold
        either = fired | rules
        rec = either[risk].mean()
        fa_near = either[near].mean()
        if round(threshold * 100) % 5 and chosen is not None:
            continue
        print(f"  {threshold:.2f}     {fired[risk].mean():.3f}       {rec:.3f} "
              f"({either[risk & ~cy].mean():.3f} / {either[risk & cy].mean():.3f})"
              f"        {fired[near].mean():.3f}        {fired[practice].mean():.3f}"
              f"        {fa_near:.3f} / {either[practice].mean():.3f}")
        if chosen is None and fired[practice].mean() <= 0.01:
            chosen = threshold
    if chosen is None:
        print("\nno threshold keeps practice-question false alarms at 1%")
        return 1
    print(f"\nchosen alarm threshold: {chosen:.2f}")

    fired = oof[:, 0] >= chosen
    net_only_emergency = fired & ~rules & (labels == "emergency")
    net_only_urgent = fired & ~rules & (labels == "urgent")
    print(f"net-only catches: {net_only_emergency.sum()} emergency, {net_only_urgent.sum()} urgent")
    print("urgent threshold  emergency answered urgent  urgent answered urgent")
    urgent_choice = None
    for ut in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99]:
        demoted = (oof[net_only_emergency, 1] >= ut).mean() if net_only_emergency.any() else 0.0
        kept = (oof[net_only_urgent, 1] >= ut).mean() if net_only_urgent.any() else 0.0
        print(f"  {ut:.2f}            {demoted:.3f}                      {kept:.3f}")
        if urgent_choice is None and demoted <= 0.01:
            urgent_choice = ut
    print(f"\nchosen urgent threshold: {urgent_choice if urgent_choice is None else round(urgent_choice, 2)}")
    print(f"total {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
