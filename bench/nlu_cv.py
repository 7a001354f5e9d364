"""Cross-validate the linear intent classifier on the training data.

    python bench/nlu_cv.py [--folds 5] [--C 20] [--welsh-embedding-weight 0.4]

Only data/nlu/ is read (never the held-out sets in tests/). Messages go through the
pipeline's own tokenizer and MiniLM featurizer, and each fold trains
bot.nlu.intent_model.LinearIntentModel on the features the Rasa component
reads (bot.nlu.linear_classifier's lemma_text, sentence_embedding, is_welsh),
then scores the rest. Prints accuracy (all, English,
Welsh, topic questions) and, at the fallback settings in config.yml (the Welsh
threshold for Welsh messages), how many topic questions would be answered right,
answered wrong, or clarified. --sweep prints that for a grid of thresholds, per
language: the Welsh threshold in config.yml is the one at which Welsh is answered
wrongly as often as English at the English threshold, as nearly as the grid allows.
Defaults for C and the Welsh weight come from config.yml. Takes 1-2 minutes.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def pipeline_settings():
    from ruamel.yaml import YAML
    config = YAML(typ="safe").load((REPO / "config.yml").read_text(encoding="utf-8"))
    linear, fallback = {}, {}
    for step in config["pipeline"]:
        if step["name"].endswith("LinearIntentClassifier"):
            linear = step
        elif step["name"].endswith("FallbackClassifier"):
            fallback = step
    return linear, fallback


def load_training_examples():
    from rasa.shared.nlu.training_data.loading import load_data
    rows = []
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for message in load_data(str(path)).intent_examples:
            rows.append((message.get("text"), message.get("intent")))
    return rows


def main(argv=None) -> int:
    linear, fallback = pipeline_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=float(linear.get("C", 10)))
    parser.add_argument("--welsh-embedding-weight", type=float,
                        default=float(linear.get("welsh_embedding_weight", 0.4)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--audit", metavar="FILE",
                        help="write the training examples CV confidently disagrees with (possible "
                             "label errors: predicted another intent with probability >= 0.6) to FILE")
    parser.add_argument("--sweep", action="store_true",
                        help="also print right/wrong/clarified per language over a grid of thresholds")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.intent_model import LinearIntentModel
    from bot.nlu.linear_classifier import is_welsh, lemma_text, sentence_embedding
    from bot.nlu.minilm_featurizer import MiniLMFeaturizer
    from bot.nlu.tokenizer import NestSpacyTokenizer

    started = time.perf_counter()
    rows = load_training_examples()
    texts = [t for t, _ in rows]
    labels = np.array([i for _, i in rows])
    # The pipeline's own tokenizer, featurizer and feature readers, as in training.
    messages = [Message(data={TEXT: text}) for text in texts]
    NestSpacyTokenizer(NestSpacyTokenizer.get_default_config()).process(messages)
    MiniLMFeaturizer(MiniLMFeaturizer.get_default_config()).process(messages)
    lemmas = [lemma_text(m) for m in messages]
    welsh = np.array([is_welsh(m) for m in messages])
    embeddings = np.stack([sentence_embedding(m) for m in messages])
    threshold = float(fallback.get("threshold", 0.4))
    welsh_threshold = float(fallback.get("welsh_threshold") or threshold)
    ambiguity = float(fallback.get("ambiguity_threshold", 0.1))

    predicted = np.empty(len(texts), dtype=object)
    top = np.zeros(len(texts))
    own = np.zeros(len(texts))  # the probability of the example's own label
    margin = np.zeros(len(texts))
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    for train, test in folds.split(texts, labels):
        model = LinearIntentModel(C=args.C, welsh_embedding_weight=args.welsh_embedding_weight)
        model.fit([lemmas[i] for i in train], embeddings[train], labels[train], welsh=welsh[train])
        probs = model.probabilities([lemmas[i] for i in test], embeddings[test], welsh[test])
        order = np.argsort(-probs, axis=1)
        rows_ = np.arange(len(test))
        predicted[test] = np.array(model.intents)[order[:, 0]]
        top[test] = probs[rows_, order[:, 0]]
        margin[test] = top[test] - probs[rows_, order[:, 1]]
        own[test] = probs[rows_, [model.intents.index(label) for label in labels[test]]]

    right = predicted == labels
    topic = np.array([label.startswith("topic_") for label in labels])
    answered = (top >= np.where(welsh, welsh_threshold, threshold)) & (margin >= ambiguity)
    print(f"{len(texts)} training examples, {len(set(labels))} intents, "
          f"{welsh.sum()} detected as Welsh; {args.folds}-fold CV, C={args.C}, "
          f"Welsh embedding weight {args.welsh_embedding_weight}")
    print(f"intent accuracy: all {right.mean():.3f}  English {right[~welsh].mean():.3f}  "
          f"Welsh {right[welsh].mean():.3f}")
    for name, mask, at in (("all", topic, f"{threshold} ({welsh_threshold} Welsh)"),
                           ("English", topic & ~welsh, threshold),
                           ("Welsh", topic & welsh, welsh_threshold)):
        n = mask.sum()
        print(f"topic questions ({name}, {n}): accuracy {right[mask].mean():.3f}; at fallback "
              f"{at}/{ambiguity}: answered right {(right & answered)[mask].mean():.3f}, "
              f"answered wrong {(~right & answered)[mask].mean():.3f}, "
              f"clarified {(~answered)[mask].mean():.3f}")
    if args.sweep:
        print("threshold/ambiguity sweep, topic questions (right / wrong / clarified):")
        for t in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
            for a in (0.0, 0.05, 0.1, 0.15):
                ok = (top >= t) & (margin >= a)
                cells = []
                for mask in (topic & ~welsh, topic & welsh):
                    cells.append(f"{(right & ok)[mask].mean():.3f} / {(~right & ok)[mask].mean():.3f}"
                                 f" / {(~ok)[mask].mean():.3f}")
                print(f"  {t:.2f}/{a:.2f}  English {cells[0]}   Welsh {cells[1]}")
    for name, mask in (("English", ~welsh), ("Welsh", welsh)):
        confusions = collections.Counter(
            (want, got) for want, got, ok in zip(labels[mask], predicted[mask], right[mask]) if not ok)
        print(f"most frequent confusions, {name} (true -> predicted):")
        for (want, got), count in confusions.most_common(10):
            print(f"  {count:3d}  {want} -> {got}")
    if args.audit:
        suspects = [i for i in np.argsort(own) if not right[i] and top[i] >= 0.6]
        with open(args.audit, "w", encoding="utf-8") as out:
            out.write("# labelled\tpredicted\tp(predicted)\tp(labelled)\tlanguage\ttext\n")
            for i in suspects:
                out.write(f"{labels[i]}\t{predicted[i]}\t{top[i]:.2f}\t{own[i]:.2f}\t"
                          f"{'cy' if welsh[i] else 'en'}\t{texts[i]}\n")
        print(f"{len(suspects)} possible label errors written to {args.audit}")
    print(f"took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
