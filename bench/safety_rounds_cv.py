"""Leave-one-round-out CV: does training the risk net on other writers' wording
help it on a new writer's?  (issue 14, the first-sight recall target)

    python bench/safety_rounds_cv.py [--rounds data/safety/rounds/blind_round*.yml] [--extra FILE ...]

Every blind round was written by a different helper session.  Rounds already
scored at first sight may be learned from; the question is whether that carries
over to the *next* writer, which is what first-sight recall measures.  So: K
folds, one per scored round.  Fold k holds out round k and a k-th share of the
base training pool; the nets are trained on the rest and score what was held
out.  Configurations compared on the same folds:

- ``base``   the training pool without the rounds (data/safety/net_training*.yml + data/nlu);
- ``rounds`` base + the other rounds' single messages (a two-message sequence's
  last message is left out of training: alone it is often harmless); this is
  what the bot trains on since 2026-12-07 (bot/safety/net.py);
- ``+FILE``  rounds + each ``--extra`` file (e.g. data/safety/pending/...).

For each configuration the alarm threshold is re-chosen by the rule config.yml
uses (the lowest threshold at which at most 1% of the base pool's practice
questions fire, out of fold), then it prints, on the held-out rounds: the net's
recall (all / en / cy), rules OR net recall (the rules were tuned on every
round, so this column flatters both configurations alike), emergency messages
the net alone misses, and false alarms on the rounds' near-misses.  Nothing is
written; decide on these figures, then score a fresh round at first sight.
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


def one_round(path: Path):
    """(training examples, evaluation rows) of one scored round."""
    from bot.safety.net import round_examples
    from bench.safety_blind import load_set
    risk, near = load_set(path)
    rows = [(e, e.get("level", "emergency")) for e in risk] + [(e, "safe") for e in near]
    return round_examples([path]), rows


def main(argv=None) -> int:
    import numpy as np

    from bot.safety import get_detector
    from bot.safety.net import (RiskNet, embed, is_practice_question, is_welsh, merge_examples,
                                net_file_examples, scored_round_files, training_pool)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", nargs="*", default=[str(p) for p in scored_round_files()],
                        help="rounds already scored at first sight (data/safety/rounds; never a "
                             "sealed one)")
    parser.add_argument("--extra", nargs="*", default=[])
    parser.add_argument("--C", type=float, default=16.0)
    parser.add_argument("--welsh-embedding-weight", type=float, default=0.4)
    parser.add_argument("--skip-base", action="store_true",
                        help="only the configurations that learn from the rounds")
    parser.add_argument("--budget", type=float, default=0.01,
                        help="practice questions allowed to fire (out of fold)")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    base = training_pool(round_files=[])
    rounds = [one_round(Path(p)) for p in args.rounds]
    extras = [net_file_examples(Path(p)) for p in args.extra]
    k = len(rounds)
    rng = np.random.RandomState(0)
    chunk = rng.randint(0, k, size=len(base))
    base_practice = np.array([is_practice_question(e) for e in base])

    eval_rows = [(i, row) for i, (_, rows) in enumerate(rounds) for row in rows]
    eval_texts = [row[0]["text"] for _, row in eval_rows]
    eval_label = np.array([row[1] for _, row in eval_rows])
    eval_round = np.array([i for i, _ in eval_rows])
    eval_cy = np.array([(row[0].get("lang") or "en") == "cy" for _, row in eval_rows])
    eval_seq = np.array([bool(row[0].get("history")) for _, row in eval_rows])
    detector = get_detector()
    rules = np.array([detector.assess(row[0]["text"], row[0].get("history") or []).at_risk
                      for _, row in eval_rows])

    every = [e.text for e in base] + eval_texts + [x.text for group in extras for x in group] \
        + [x.text for train, _ in rounds for x in train]
    vectors = dict(zip(every, embed(every, CACHE)))
    welsh_of = {t: is_welsh(t) for t in set(every)}
    print(f"base pool {len(base)}, rounds {[len(r[1]) for r in rounds]}, "
          f"extras {[len(x) for x in extras]}; embedded in {time.perf_counter() - started:.0f}s")

    configs = ([] if args.skip_base else [("base", False, [])]) + [("rounds", True, [])] + \
        [(f"rounds+{Path(p).name}", True, [x]) for p, x in zip(args.extra, extras)]
    for name, use_rounds, extra in configs:
        oof_base = np.zeros(len(base))
        oof_eval = np.zeros(len(eval_texts))
        for fold in range(k):
            train = [e for e, c in zip(base, chunk) if c != fold]
            if use_rounds:
                train = merge_examples(train, *(r[0] for i, r in enumerate(rounds) if i != fold),
                                       *extra)
            texts = [e.text for e in train]
            net = RiskNet(C=args.C, welsh_embedding_weight=args.welsh_embedding_weight)
            net.fit(texts, [e.label for e in train], np.stack([vectors[t] for t in texts]),
                    [welsh_of[t] for t in texts])
            held = [i for i, c in enumerate(chunk) if c == fold]
            ht = [base[i].text for i in held]
            for i, s in zip(held, net.scores(ht, np.stack([vectors[t] for t in ht]),
                                             [welsh_of[t] for t in ht])):
                oof_base[i] = s.risk
            held = np.flatnonzero(eval_round == fold)
            ht = [eval_texts[i] for i in held]
            for i, s in zip(held, net.scores(ht, np.stack([vectors[t] for t in ht]),
                                             [welsh_of[t] for t in ht])):
                oof_eval[i] = s.risk
        threshold = next((t for t in np.arange(0.15, 0.91, 0.01)
                          if (oof_base[base_practice] >= t).mean() <= args.budget), 0.91)
        fired = oof_eval >= threshold
        either = fired | rules
        risk, near = eval_label != "safe", eval_label == "safe"
        single = ~eval_seq
        print(f"\n== {name} (C={args.C}, Welsh embedding weight {args.welsh_embedding_weight}): alarm threshold {threshold:.2f} "
              f"(practice questions firing {(oof_base[base_practice] >= threshold).mean():.3f})")
        print(f"  net recall, single messages: {fired[risk & single].mean():.3f} "
              f"(en {fired[risk & single & ~eval_cy].mean():.3f}, "
              f"cy {fired[risk & single & eval_cy].mean():.3f})")
        print(f"  rules OR net recall, all:    {either[risk].mean():.3f} "
              f"(en {either[risk & ~eval_cy].mean():.3f}, cy {either[risk & eval_cy].mean():.3f})")
        print(f"  net false alarms on near-misses: {fired[near & single].mean():.3f} "
              f"(en {fired[near & single & ~eval_cy].mean():.3f}, "
              f"cy {fired[near & single & eval_cy].mean():.3f}); "
              f"rules OR net {either[near].mean():.3f}")
        per = " ".join(f"{fired[risk & single & (eval_round == i)].mean():.3f}" for i in range(k))
        print(f"  net recall by held-out round: {per}")
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
