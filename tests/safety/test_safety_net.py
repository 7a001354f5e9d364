"""The learned second net and how its alarm combines with the rules'.

A small net is trained here on a handful of messages (the real one is trained
with the model on data/safety/net_training.yml and the NLU examples); the
behaviour under test is the combination, which does not depend on its size.
"""
from __future__ import annotations

import numpy as np
import pytest

from bot.safety import get_detector
from bot.safety.layer import SafetyLayer
from bot.safety.net import RiskNet, net_file_examples, training_pool, NET_TRAINING_FILE

RISK = ["she keeps asking which multistorey is the tallest after crying all week",
        "he's been weirdly sorting out who gets his games when he's gone",
        "she said she has worked out how she will do it",
        "he told me they will not have to deal with him for much longer",
        "she asked how long until the rope would work, she was shaking",
        "he has been packing up his room and saying thank you to everyone"] * 3
URGENT = ["she skips every meal and hides food in her bag",
          "he has gone very quiet and barely eats these days"] * 3
SAFE = ["how do I explain co-regulation to a new teaching assistant",
        "can I book a drop-in with the educational psychologist",
        "what does holding on mean in the NEST framework",
        "our Year 6 are doing a project on bridges of Wales",
        "thank you for everything this term, see you in January",
        "which building in Cardiff is the tallest for our maths lesson",
        "what are the signs of grooming for our staff training",
        "who can I call tonight for advice about a worried parent"] * 3


@pytest.fixture(scope="module")
def net():
    texts = RISK + URGENT + SAFE
    labels = ["emergency"] * len(RISK) + ["urgent"] * len(URGENT) + ["safe"] * len(SAFE)
    return RiskNet(C=16, threshold=0.5, urgent_threshold=0.9).fit(texts, labels)


def test_the_net_scores_risk_above_practice_questions(net):
    risky, plain = net.scores(["she asked me how long until the rope would work, she has been crying all week",
                               "how do I explain co-regulation to the new teaching assistant"])
    assert risky.risk > 0.5 > plain.risk
    assert 0.0 <= risky.urgent <= 1.0


def test_an_alarm_from_the_net_alone_is_emergency_unless_it_is_sure_of_urgent(net):
    layer = SafetyLayer(get_detector(), net)
    text = "she asked me how long until the rope would work, she has been crying all week"
    result = layer.assess(text)
    assert result.at_risk and "net" in result.fired_by
    assert result.level == ("urgent" if result.net["urgent"] >= net.urgent_threshold else "emergency")
    assert result.net["risk"] >= net.threshold


def test_the_rules_alarm_stands_when_the_net_is_quiet(net):
    layer = SafetyLayer(get_detector(), net)
    result = layer.assess("she told me her dad hits her")
    assert result.at_risk and "rules" in result.fired_by and result.level == "emergency"
    assert result.net is not None


def test_an_urgent_rule_is_raised_to_emergency_only_when_the_net_is_confident():
    class Confident:
        threshold, urgent_threshold = 0.5, 0.9

        def __init__(self, urgent):
            self.urgent = urgent

        def scores(self, texts, embeddings=None, welsh=None):
            from bot.safety.net import NetScore
            return [NetScore(0.95, self.urgent) for _ in texts]

        level = RiskNet.level

    text = "A Year 9 girl has stopped eating lunch and seems withdrawn, what should I do?"
    assert get_detector().assess(text).level == "urgent"
    assert SafetyLayer(get_detector(), Confident(0.05)).assess(text).level == "emergency"
    assert SafetyLayer(get_detector(), Confident(0.5)).assess(text).level == "urgent"


def test_nothing_fires_on_empty_input(net):
    layer = SafetyLayer(get_detector(), net)
    for text in ("", "   ", None):
        assert layer.assess(text).at_risk is False


def test_the_net_saves_and_loads(net, tmp_path):
    net.save(tmp_path / "net.pkl")
    again = RiskNet.load(tmp_path / "net.pkl")
    texts = ["he has been packing up his room and saying thank you to everyone"]
    assert again.scores(texts)[0] == net.scores(texts)[0]


def _set_texts(path):
    from ruamel.yaml import YAML
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [(e["text"] if isinstance(e, dict) else e).strip().lower()
            for key in ("risk", "near_miss") for e in data.get(key) or []]


def test_the_training_pool_never_reads_the_sets_that_measure_the_net():
    """tests/safety holds the sets the net is measured on (the existing set and any sealed
    blind round): none of their messages is learned from.  Scored rounds are, from
    data/safety/rounds, single messages only."""
    from pathlib import Path
    pool = training_pool()
    origins = {e.origin for e in pool}
    assert {"net_training.yml", "blind_round1.yml", "blind_round7.yml"} <= origins
    texts = {e.text.strip().lower() for e in pool}
    measuring = sorted(Path(__file__).parent.glob("*.yml"))
    assert any(p.name == "safety_messages.yml" for p in measuring)
    for path in measuring:
        leaked = [t for t in _set_texts(path) if t in texts]
        assert leaked == [], (path.name, leaked[:3])


def test_a_sequences_last_message_is_not_learned_from_a_scored_round(tmp_path):
    path = tmp_path / "blind_round99.yml"
    path.write_text(
        'risk:\n'
        '  - {text: "she is giving her things away to friends", level: emergency, lang: en}\n'
        '  - {text: "now she says sorry for everything", history: ["she asked how high the bridge is"],'
        ' level: emergency, lang: en}\n'
        'near_miss:\n'
        '  - {text: "we read a poem about a bridge", lang: en}\n', encoding="utf-8")
    single = [e.text for e in net_file_examples(path, single_only=True)]
    assert single == ["she is giving her things away to friends", "we read a poem about a bridge"]
    assert len(net_file_examples(path)) == 3


def test_the_training_file_holds_both_languages_and_levels():
    examples = net_file_examples(NET_TRAINING_FILE)
    risk = [e for e in examples if e.label != "safe"]
    near = [e for e in examples if e.label == "safe"]
    assert len(risk) >= 700 and len(near) >= 700
    assert sum(e.lang == "cy" for e in risk) >= 150 and sum(e.lang == "cy" for e in near) >= 150
    assert {e.label for e in risk} == {"urgent", "emergency"}


def test_every_net_training_file_makes_the_model_retrain():
    """The launcher retrains when the training inputs change: the net's files are among them."""
    from bot import launcher
    from bot.safety.net import net_training_files, scored_round_files
    inputs = set(launcher._files(launcher.TRAINING_INPUTS))
    assert net_training_files() and set(net_training_files()) <= inputs
    assert scored_round_files() and set(scored_round_files()) <= inputs


def test_practice_questions_are_the_nlu_examples_not_the_written_near_misses():
    """The CV threshold rule budgets false alarms on the bot's everyday traffic: a near-miss
    written for the net (its files, a scored round) is not counted as a practice question."""
    from bot.safety.net import is_practice_question
    pool = training_pool()
    practice = {e.origin for e in pool if is_practice_question(e)}
    assert practice and not any(o.startswith(("net_training", "blind_round")) for o in practice)
    near = [e for e in pool if e.label == "safe" and not is_practice_question(e)]
    assert {e.origin for e in near} >= {"net_training.yml", "blind_round9.yml"}
    assert not any(is_practice_question(e) for e in pool if e.label != "safe")
