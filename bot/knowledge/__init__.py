"""The practice-question knowledge base: load, validate and look up topics."""
from bot.knowledge.catalogue import (
    AGE_GROUPS,
    ANSWER_WORDS,
    DEFAULT_TOPICS_FILE,
    REQUIRED_TOPIC_IDS,
    TEXT_FIELDS,
    Catalogue,
    Topic,
    get_catalogue,
    load_catalogue,
    word_count,
)

__all__ = [
    "AGE_GROUPS", "ANSWER_WORDS", "DEFAULT_TOPICS_FILE", "REQUIRED_TOPIC_IDS", "TEXT_FIELDS",
    "Catalogue", "Topic", "get_catalogue", "load_catalogue", "word_count",
]
