"""The Rasa NLU component that runs the risk detector on every message.

No trained model is needed: Messages are built by hand, as the classifiers
before it would leave them, and passed to ``process``.
"""
from __future__ import annotations

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.risk_detector import RiskDetectorComponent, history_from_tracker


def _message(text: str, intent: str = "book_consultation", confidence: float = 0.91) -> Message:
    msg = Message(data={"text": text})
    msg.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    msg.set("intent_ranking", [{"name": intent, "confidence": confidence},
                               {"name": "greet", "confidence": 0.05}], add_to_output=True)
    return msg


def _tracker(*user_texts: str, new_session_before: int | None = None) -> DialogueStateTracker:
    events = []
    for i, text in enumerate(user_texts):
        if new_session_before == i:
            events.append(SessionStarted())
        events += [UserUttered(text, {"name": "inform", "confidence": 0.9}),
                   ActionExecuted("utter_ok"), BotUttered("ok")]
    return DialogueStateTracker.from_events("practitioner-1", events)


@pytest.fixture(scope="module")
def component():
    return RiskDetectorComponent({})


def test_safety_component_overrides_intent_on_risk(component):
    msg = _message("Sorry to bother you, but she said nobody would miss her")
    component.process([msg])
    assert msg.get("intent") == {"name": "risk_disclosure", "confidence": 1.0}
    ranking = msg.get("intent_ranking")
    assert ranking[0] == {"name": "risk_disclosure", "confidence": 1.0}
    assert [r["name"] for r in ranking[1:]] == ["book_consultation", "greet"]
    assert msg.get("original_intent") == {"name": "book_consultation", "confidence": 0.91}
    risk = msg.get("risk")
    assert risk["at_risk"] is True and risk["categories"] == ["suicide"]
    assert "suicide.better_off" in risk["rules"]


def test_safety_component_output_reaches_parse_data(component):
    msg = _message("He showed me cuts on his arm")
    component.process([msg])
    parsed = msg.as_dict(only_output_properties=True)
    assert parsed["intent"]["name"] == "risk_disclosure"
    assert parsed["original_intent"]["name"] == "book_consultation"
    assert parsed["risk"]["categories"] == ["self_harm"]


def test_safety_component_leaves_ordinary_messages_alone(component):
    msg = _message("Can I book the educational psychologist for Tuesday?")
    component.process([msg])
    assert msg.get("intent") == {"name": "book_consultation", "confidence": 0.91}
    assert msg.get("intent_ranking")[0]["name"] == "book_consultation"
    assert msg.get("original_intent") is None
    assert msg.as_dict(only_output_properties=True)["risk"] == {
        "at_risk": False, "level": None, "categories": [], "rules": [], "suppressed_by": [],
        "net": None, "fired_by": []}


def test_safety_component_wins_over_nlu_fallback(component):
    msg = _message("mae hi eisiau marw", intent="nlu_fallback", confidence=0.55)
    component.process([msg])
    assert msg.get("intent")["name"] == "risk_disclosure"
    assert msg.get("original_intent")["name"] == "nlu_fallback"


def test_safety_component_without_classifier_output(component):
    msg = Message(data={"text": "her stepdad hits her"})
    component.process([msg])
    assert msg.get("intent")["name"] == "risk_disclosure"
    assert msg.get("intent_ranking") == [{"name": "risk_disclosure", "confidence": 1.0}]
    empty = Message(data={})
    component.process([empty])
    assert empty.get("risk")["at_risk"] is False


def test_safety_component_uses_the_tracker_as_history(component):
    tracker = _tracker("A girl in Year 8 told me her stepdad hits her.")
    msg = _message("She said it again today.")
    component.process([msg], tracker)
    assert msg.get("intent")["name"] == "risk_disclosure"
    assert "physical_abuse" in msg.get("risk")["categories"]
    alone = _message("She said it again today.")
    component.process([alone])
    assert alone.get("intent")["name"] == "book_consultation"


def test_safety_history_is_the_current_session_only():
    tracker = _tracker("her stepdad hits her", "what's on today?", new_session_before=1)
    assert history_from_tracker(tracker) == ["what's on today?"]
    tracker = _tracker("one", "/book_consultation", "two", "three", "four")
    assert history_from_tracker(tracker) == ["two", "three", "four"]
    assert history_from_tracker(None) == []


def test_safety_component_fails_soft_when_the_detector_breaks():
    class Broken:
        def assess(self, text, history=()):
            raise RuntimeError("boom")

    component = RiskDetectorComponent({}, detector=Broken())  # type: ignore[arg-type]
    msg = _message("hello")
    component.process([msg])
    assert msg.get("intent")["name"] == "book_consultation"
    assert msg.get("risk")["error"] == "detector_failed"


def test_safety_component_training_data_untouched(component):
    data = TrainingData([Message(data={"text": "hi", "intent": "greet"})])
    assert component.process_training_data(data) is data


def test_safety_component_is_registered_and_gets_the_tracker_in_the_graph():
    """In a real model the predict graph hands the conversation tracker to process()."""
    from rasa.engine import validation
    from rasa.shared.data import TrainingType

    config = {"recipe": "default.v1", "language": "en",
              "pipeline": [{"name": "WhitespaceTokenizer"},
                           {"name": "bot.nlu.risk_detector.RiskDetectorComponent"}],
              "policies": [{"name": "RulePolicy"}]}
    model_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.BOTH)
    nodes = {k: n for k, n in model_config.predict_schema.nodes.items() if "RiskDetector" in k}
    assert len(nodes) == 1
    (node,) = nodes.values()
    assert node.needs["tracker"] == "__tracker__"
    # trained with the model: the learned net (bot/safety/net.py)
    assert [k for k in model_config.train_schema.nodes if "RiskDetector" in k]
    validation.validate(model_config)
