"""Score the trained model on the held-out practitioner questions.

    python bench/holdout.py [--file tests/nlu_holdout.yml] [--min-accuracy 0.92]

tests/nlu_holdout.yml is never trained on.  For every topic question the
outcome is what the practitioner would see:
  answer   the right topic's answer            (counts towards accuracy)
  clarify  a clarification (nlu_fallback)      (safe: the bot asks, it doesn't guess)
  wrong    another topic's answer or intent    (the failure we most want to avoid)
Prints the figures and the mistakes; exits non-zero below --min-accuracy.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def load_examples(path: Path):
    from ruamel.yaml import YAML
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data["examples"]


async def parse_all(model: Path, texts):
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog
    configure_structlog(logging.WARNING)  # no debug line per parsed message (messages stay out of logs)
    agent = Agent.load(str(model))
    out = []
    for text in texts:
        out.append(await agent.parse_message(text))
    return out


def score(examples, parses, clarify_intent="nlu_fallback"):
    from bot.conversation.knowledge import likeliest_topics, topic_of_intent
    from bot.knowledge import get_catalogue
    catalogue = get_catalogue()
    topic_rows = collections.Counter()
    other_rows = collections.Counter()
    mistakes = []
    clarify_has_right = 0
    for ex, parse in zip(examples, parses):
        predicted = parse["intent"]["name"]
        if "topic" in ex:
            want = "topic_" + ex["topic"]
            if predicted == want:
                outcome = "answer"
            elif predicted == clarify_intent:
                outcome = "clarify"
                if ex["topic"] in likeliest_topics(parse.get("intent_ranking", []), catalogue=catalogue):
                    clarify_has_right += 1
            else:
                outcome = "wrong"
            topic_rows[outcome] += 1
        else:
            want = ex["intent"]
            outcome = "answer" if predicted == want else ("clarify" if predicted == clarify_intent else "wrong")
            other_rows[outcome] += 1
        if outcome != "answer":
            mistakes.append((outcome, want, predicted, round(parse["intent"].get("confidence") or 0, 2), ex["text"]))
    return topic_rows, other_rows, clarify_has_right, mistakes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(REPO / "tests" / "nlu_holdout.yml"))
    parser.add_argument("--model", default=str(REPO / "models" / "nest-bot.tar.gz"))
    parser.add_argument("--min-accuracy", type=float, default=None)
    parser.add_argument("--quiet", action="store_true", help="don't list the mistakes")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    examples = load_examples(Path(args.file))
    started = time.monotonic()
    parses = asyncio.run(parse_all(Path(args.model), [e["text"] for e in examples]))
    elapsed = time.monotonic() - started
    topic_rows, other_rows, clarify_right, mistakes = score(examples, parses)
    n_topic = sum(topic_rows.values())
    n_other = sum(other_rows.values())
    accuracy = topic_rows["answer"] / n_topic if n_topic else 0.0
    if not args.quiet:
        for outcome, want, predicted, conf, text in sorted(mistakes):
            print(f"  {outcome:7} want={want:32} got={predicted:32} {conf:4}  {text}")
    print(f"held-out file            : {Path(args.file).resolve().relative_to(REPO)} ({len(examples)} messages, parsed in {elapsed:.1f} s)")
    print(f"topic questions          : {n_topic}")
    print(f"  topic accuracy         : {accuracy:.3f}  (right answer)")
    print(f"  clarification          : {topic_rows['clarify'] / max(n_topic, 1):.3f}  "
          f"(right topic among the options in {clarify_right} of {topic_rows['clarify']})")
    print(f"  wrong answer           : {topic_rows['wrong'] / max(n_topic, 1):.3f}")
    if n_other:
        print(f"other messages           : {n_other}, intent accuracy {other_rows['answer'] / n_other:.3f}, "
              f"clarify {other_rows['clarify']}, wrong {other_rows['wrong']}")
    from sklearn.metrics import f1_score
    gold = [("topic_" + e["topic"]) if "topic" in e else e["intent"] for e in examples]
    pred = [p["intent"]["name"] for p in parses]
    print(f"intent F1 (all messages)  : macro {f1_score(gold, pred, average='macro', zero_division=0):.3f}, "
          f"weighted {f1_score(gold, pred, average='weighted', zero_division=0):.3f} "
          f"(a clarification counts as a miss)")
    if args.min_accuracy is not None and accuracy < args.min_accuracy:
        print(f"FAIL: topic accuracy {accuracy:.3f} is below {args.min_accuracy}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
