"""Rasa graph component: the spaCy-based tokenizer/normaliser.

A thin adapter over :mod:`bot.nlu.normalise`: tokens keep the text and offsets
the practitioner typed, and carry a normalised lemma, which the intent classifier
and the CountVectorsFeaturizers use (``use_lemma: true``, their default): a spaCy
lookup lemma for English, a Welsh dictionary form (``bot.nlu.welsh_lemma``) for
a message the offline detector (``bot.language``) reads as Welsh.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.language import detect
from bot.nlu.normalise import tokenize
from bot.nlu.welsh_lemma import load as load_welsh_lemmas


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class NestSpacyTokenizer(Tokenizer):
    """Tokenizes with a blank spaCy pipeline and normalised lookup lemmas."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "NestSpacyTokenizer":
        load_welsh_lemmas()  # so the first Welsh message is not the slow one
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute) or ""
        welsh = detect(text)[0] == "cy"
        tokens = [Token(t.text, t.start, t.end, lemma=t.lemma) for t in tokenize(text, welsh=welsh)]
        if not tokens:
            # Rasa needs at least one token; an empty/emoji-only message
            # becomes a single token that the classifier will find unfamiliar.
            stripped = text.strip() or "<empty>"
            tokens = [Token(stripped, 0, len(stripped), lemma="<empty>")]
        return self._apply_token_pattern(tokens)
