"""Messages with no words become nlu_fallback (a clarification), never a guess."""
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.empty_guard import EmptyMessageGuard


def classified(text, intent="topic_staff_wellbeing"):
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.93},
                            "intent_ranking": [{"name": intent, "confidence": 0.93}]})
    EmptyMessageGuard().process([message])
    return message.get("intent")["name"], [r["name"] for r in message.get("intent_ranking")]


def test_empty_space_and_emoji_only_messages_are_not_classified():
    for text in ("", "   ", "\u200b", "🙂", "?!", "👍🏽 ..."):
        intent, ranking = classified(text)
        assert intent == "nlu_fallback", text
        assert ranking[0] == "nlu_fallback" and "topic_staff_wellbeing" in ranking


def test_messages_with_words_and_button_payloads_are_left_alone():
    assert classified("what is co-regulation?")[0] == "topic_staff_wellbeing"
    assert classified("ok 👍")[0] == "topic_staff_wellbeing"
    assert classified("/affirm", "affirm")[0] == "affirm"
