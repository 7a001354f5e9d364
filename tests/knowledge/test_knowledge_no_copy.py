"""The catalogue paraphrases the framework: no run of 8 words copied from the seeds."""
from __future__ import annotations

from ruamel.yaml import YAML

from tests.knowledge.knowledge_helpers import SEED_FILES, SHIPPED, normalise

RUN = 8


def _texts(node, where=()):
    """Every string in the topics file with where it sits (topic id, field path)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, where + (str(key),))
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, where)
    elif isinstance(node, str):
        yield where, node


def _runs(words):
    return {tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def test_no_eight_word_run_from_the_framework_texts():
    seed_runs = set()
    for path in SEED_FILES:
        seed_runs |= _runs(normalise(path.read_text(encoding="utf-8")))
    assert len(seed_runs) > 10000  # the seeds were really read

    data = YAML(typ="safe").load(SHIPPED.read_text(encoding="utf-8"))
    offences = []
    checked = 0
    for topic in data["topics"]:
        for where, text in _texts(topic):
            checked += 1
            words = normalise(text)
            for i in range(len(words) - RUN + 1):
                run = tuple(words[i:i + RUN])
                if run in seed_runs:
                    offences.append(f"{topic['id']} / {'.'.join(where)}: \"{' '.join(run)}\"")
    assert checked >= 20 * 8
    assert not offences, "copied from the framework:\n" + "\n".join(offences)


def test_the_check_catches_a_copied_sentence():
    # A sentence lifted from the framework (with different punctuation and case)
    # is caught: the normalisation does not let copies slip through.
    full = SEED_FILES[0].read_text(encoding="utf-8")
    seed_runs = _runs(normalise(full))
    lifted = "TRUST builds slowly -- through repeated, reliable experiences; and it is why basics"
    assert _runs(normalise(lifted)) & seed_runs
