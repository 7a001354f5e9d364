"""The Welsh NLU training examples (data/nlu/welsh.yml) cover every topic and the
conversation, booking, signposting, privacy and language intents, are Welsh, and
do not contradict the English training data."""
from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from bot.knowledge import REQUIRED_TOPIC_IDS
from bot.language import detect

REPO = Path(__file__).resolve().parents[2]
NLU = REPO / "data" / "nlu"
WELSH = NLU / "welsh.yml"
_ANNOTATION = re.compile(r"\[([^\]]*)\](\{[^}]*\}|\([^)]*\))")

OTHER_INTENTS = ["greet", "goodbye", "thank", "bot_capabilities", "affirm", "deny", "tell_me_more",
                 "give_example", "ask_age_group", "book_consultation", "list_bookings", "cancel_booking",
                 "move_booking", "stop", "choose_time", "ask_helpline", "ask_privacy",
                 "delete_conversation", "switch_language"]


def examples(path: Path) -> dict:
    out: dict = {}
    for item in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" in item:
            out.setdefault(item["intent"], []).extend(
                line.strip()[2:] for line in item["examples"].splitlines() if line.strip().startswith("- "))
    return out


def plain(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example).strip().lower()


def test_every_topic_has_at_least_12_welsh_examples():
    welsh = examples(WELSH)
    short = {f"topic_{t}": len(welsh.get(f"topic_{t}", [])) for t in REQUIRED_TOPIC_IDS
             if len(welsh.get(f"topic_{t}", [])) < 12}
    assert short == {}


def test_conversation_booking_signposting_and_privacy_intents_have_welsh_examples():
    welsh = examples(WELSH)
    short = {i: len(welsh.get(i, [])) for i in OTHER_INTENTS if len(welsh.get(i, [])) < 8}
    assert short == {}


def test_the_notices_phrases_are_trained():
    # the Welsh privacy notice tells people to say "dileu fy sgwrs"; booking.confirmed
    # tells them "beth ydw i wedi'i archebu" and "canslo fy archeb"
    welsh = {i: {plain(e) for e in ex} for i, ex in examples(WELSH).items()}
    assert "dileu fy sgwrs" in welsh["delete_conversation"]
    assert "beth ydw i wedi'i archebu" in welsh["list_bookings"]
    assert "canslo fy archeb" in welsh["cancel_booking"]


def test_welsh_examples_are_detected_as_welsh():
    texts = [plain(e) for ex in examples(WELSH).values() for e in ex]
    english = [t for t in texts if detect(t)[0] == "en"]
    assert english == []
    assert sum(detect(t)[0] == "cy" for t in texts) / len(texts) >= 0.95


def test_no_example_is_repeated_or_given_a_different_intent_elsewhere():
    seen: dict = {}
    for path in sorted(NLU.glob("*.yml")):
        for intent, exs in examples(path).items():
            for e in exs:
                seen.setdefault(plain(e), []).append((path.name, intent))
    welsh = {plain(e) for ex in examples(WELSH).values() for e in ex}
    clashes = {t: where for t, where in seen.items() if t in welsh and len(where) > 1}
    assert clashes == {}


def test_annotations_use_known_entities_and_values():
    allowed = {"age_group": {"young_children", "teenagers"}, "language": {"cy", "en"}}
    for intent, exs in examples(WELSH).items():
        for e in exs:
            for _, annotation in _ANNOTATION.findall(e):
                entity = re.search(r'"entity": "([^"]+)"', annotation)
                value = re.search(r'"value": "([^"]+)"', annotation)
                assert entity and value, e
                assert value[1] in allowed[entity[1]], e
