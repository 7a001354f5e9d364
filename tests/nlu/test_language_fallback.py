"""The Welsh confidence threshold: a Welsh question the classifier is fairly sure of is
answered, where at the English threshold it would be a clarification; English is unchanged."""
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_fallback import LanguageAwareFallbackClassifier


def classified(text, confidence, second=0.05):
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": "topic_co_regulation", "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": "topic_co_regulation", "confidence": confidence},
                                     {"name": "topic_attachment", "confidence": second}])
    return message


def fallback(**config):
    return LanguageAwareFallbackClassifier(
        {**LanguageAwareFallbackClassifier.get_default_config(), **config})


WELSH = "sut mae helpu plentyn i dawelu pan mae o wedi gorlethu"
ENGLISH = "how do I help a child calm down when he is overwhelmed"


def test_a_welsh_message_between_the_two_thresholds_is_answered():
    component = fallback(threshold=0.4, welsh_threshold=0.35, ambiguity_threshold=0.1)
    welsh, english = classified(WELSH, 0.37), classified(ENGLISH, 0.37)
    component.process([welsh, english])
    assert welsh.get(INTENT)["name"] == "topic_co_regulation"
    assert english.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.4}
    assert english.get(INTENT_RANKING_KEY)[0]["name"] == "nlu_fallback"


def test_below_the_welsh_threshold_welsh_is_clarified_at_its_own_confidence():
    component = fallback(threshold=0.4, welsh_threshold=0.35, ambiguity_threshold=0.1)
    welsh = classified(WELSH, 0.30)
    component.process([welsh])
    assert welsh.get(INTENT) == {"name": "nlu_fallback", "confidence": 0.35}


def test_ambiguity_applies_to_welsh_too():
    component = fallback(threshold=0.4, welsh_threshold=0.35, ambiguity_threshold=0.1)
    welsh = classified(WELSH, 0.45, second=0.40)
    component.process([welsh])
    assert welsh.get(INTENT)["name"] == "nlu_fallback"


def test_without_a_welsh_threshold_it_is_rasas_fallback_classifier():
    component = fallback(threshold=0.4, ambiguity_threshold=0.1)
    welsh = classified(WELSH, 0.37)
    component.process([welsh])
    assert welsh.get(INTENT)["name"] == "nlu_fallback"
