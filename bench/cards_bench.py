"""Card ranking cost (issue 15): time per message beyond the MiniLM encoding, and memory.

    python bench/cards_bench.py [--messages 300]

Messages are tokenised and featurised once (the pipeline does that anyway);
what is timed is the card ranker's own work per message (language check, BM25
over the lemmas, cosines with the cards' questions and answers, the prior and
the decision), with the shipped cards and with the card set padded to 250.
Also prints the time to build the index at start-up (embeddings cached, and
not) and the memory the index holds (tracemalloc).  The servers' resident
memory with the index loaded is in bench/rest_bench.py's output.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUESTIONS = [
    "what does flex up and flex down mean?", "who is Bronfenbrenner?", "what is the step change?",
    "what does NEST say about adult mental health services?", "how do I co-regulate a child?",
    "what are the six principles of nurture?", "can I book a consultation", "hello",
    "Beth yw'r canol coll?", "Sut alla i helpu plentyn i reoli emosiynau?",
]


def _messages(n):
    from rasa.shared.nlu.training_data.message import Message
    from bot.nlu.minilm_featurizer import MiniLMFeaturizer
    from bot.nlu.tokenizer import NestSpacyTokenizer
    tok = NestSpacyTokenizer(NestSpacyTokenizer.get_default_config())
    feat = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm")
    out = []
    for i in range(n):
        m = Message(data={"text": QUESTIONS[i % len(QUESTIONS)], "intent_ranking": []})
        tok.process([m])
        feat.process([m])
        out.append(m)
    return out


def _padded(cards, size):
    from bot.knowledge.cards import CardSet
    items = list(cards)
    extra = []
    i = 0
    while len(items) + len(extra) < size:
        c = items[i % len(items)]
        extra.append(replace(c, id=f"{c.id}_copy{i}", related=()))
        i += 1
    return CardSet(items + extra, cards.sections)


def _time_per_message(ranker, messages):
    times = []
    for m in messages:
        start = time.perf_counter()
        ranker.rank(m)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args(argv)
    from bot.knowledge.cards import load_cards
    from bot.knowledge.retrieval import CardIndex
    from bot.nlu.card_ranker import CardRanker

    cards = load_cards()
    messages = _messages(args.messages)
    for label, card_set in (("shipped", cards), ("padded to 250", _padded(cards, 250))):
        start = time.perf_counter()
        tracemalloc.start()
        index = CardIndex(card_set)
        _, peak = tracemalloc.get_traced_memory()
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        build = time.perf_counter() - start
        ranker = CardRanker({}, index=index)
        p50, p95 = _time_per_message(ranker, messages)
        print(f"cards ({label}): {len(card_set)}; index built in {build:.2f} s "
              f"(embeddings cached after the first start), holds {current / 1e6:.1f} MB; "
              f"ranking per message beyond MiniLM: p50 {p50:.2f} ms, p95 {p95:.2f} ms "
              f"(target under 5 ms at 250 cards)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
