"""Welsh lemmas: a mutated or plural Welsh word reaches the classifier as one form."""
import pytest

from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalise import normalised, tokenize
from bot.nlu.tokenizer import NestSpacyTokenizer
from bot.nlu.welsh_lemma import welsh_lemma


@pytest.mark.parametrize("typed, lemma", [
    ("plentyn", "plentyn"),
    ("blentyn", "plentyn"),      # soft mutation: ei blentyn
    ("mhlentyn", "plentyn"),     # nasal mutation: fy mhlentyn
    ("phlentyn", "plentyn"),     # aspirate mutation: ei phlentyn
    ("plant", "plentyn"),        # irregular plural
    ("Athrawon", "athro"),
    ("gymuned", "cymuned"),
    ("nghymuned", "cymuned"),
    ("reoleiddio", "rheoleiddio"),
    ("hymddiried", "ymddiried"),
])
def test_mutated_and_plural_forms_share_one_lemma(typed, lemma):
    assert welsh_lemma(typed) == lemma


@pytest.mark.parametrize("word", ["ei", "eu", "fy", "yn", "beth", "i"])
def test_function_words_are_not_read_as_rare_verb_forms(word):
    # simplemma's list reads "ei" (his/her) as a form of "mynd" (to go).
    assert welsh_lemma(word) == word


@pytest.mark.parametrize("word, out", [("CAMHS", "camhs"), ("trawma", "trawma"),
                                       ("9", "9"), ("", ""), ("?", "?")])
def test_unknown_words_come_back_lowercased_as_typed(word, out):
    assert welsh_lemma(word) == out


def test_welsh_phrases_about_one_child_look_alike_to_the_classifier():
    mine = normalised("mae fy mhlentyn yn poeni", welsh=True).split()
    hers = normalised("mae ei phlentyn yn poeni", welsh=True).split()
    assert "plentyn" in mine and "plentyn" in hers
    assert "mhlentyn" not in mine and "phlentyn" not in hers


def test_welsh_tokens_keep_what_was_typed_and_where():
    text = "Sut mae helpu fy mhlentyn?"
    tokens = tokenize(text, welsh=True)
    child = next(t for t in tokens if t.lemma == "plentyn")
    assert child.text == "mhlentyn"
    assert text[child.start:child.end] == "mhlentyn"


def test_english_messages_keep_english_lemmas():
    # "plant" is a Welsh plural, but in English it stays a plant.
    assert normalised("we plant seeds with the children") == normalised(
        "we plant seeds with the children", welsh=False)
    assert "plant" in normalised("we plant seeds with the children").split()
    assert "child" in normalised("the children were calmer").split()


def _lemmas(text):
    message = Message(data={TEXT: text})
    NestSpacyTokenizer(NestSpacyTokenizer.get_default_config()).process([message])
    return [t.lemma for t in message.get(TOKENS_NAMES[TEXT])]


def test_the_rasa_tokenizer_uses_welsh_lemmas_for_a_welsh_message():
    assert "plentyn" in _lemmas("sut mae cefnogi fy mhlentyn sy'n poeni am bopeth?")


def test_the_rasa_tokenizer_uses_english_lemmas_for_an_english_message():
    lemmas = _lemmas("how do I support the children in my class")
    assert "child" in lemmas and "plentyn" not in lemmas
