"""MiniLMFeaturizer after our tokenizer: Rasa features per message and token."""
import numpy as np

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import minilm
from bot.nlu.minilm_featurizer import MiniLMFeaturizer, token_features
from bot.nlu.tokenizer import NestSpacyTokenizer

TEXTS = [
    "Why does she push me away after a good day?",
    "co-regulation before self-regulation",
    "Can I book the ed psych for Tuesday?",
    "😀",
    "He's unreliable",
]


def tokenizer():
    return NestSpacyTokenizer(NestSpacyTokenizer.get_default_config())


def featurizer(**config):
    return MiniLMFeaturizer({**MiniLMFeaturizer.get_default_config(), **config}, "minilm")


def dense(message):
    seq, sent = message.get_dense_features(TEXT)
    return seq.features, sent.features


def test_incoming_messages_get_one_vector_per_token_and_one_per_sentence():
    messages = tokenizer().process([Message(data={TEXT: t}) for t in TEXTS + [""]])
    featurizer().process(messages)
    for message in messages:
        tokens = message.get(TOKENS_NAMES[TEXT])
        seq, sent = dense(message)
        assert seq.shape == (len(tokens), 384) and seq.dtype == np.float32
        assert sent.shape == (1, 384)
        assert abs(np.linalg.norm(sent) - 1) < 1e-5
    first = messages[0]
    np.testing.assert_allclose(dense(first)[1][0], minilm.encode([TEXTS[0]])[0], atol=1e-6)
    # Every real word has some wordpiece under it.
    assert all(np.abs(row).sum() > 0 for row in dense(first)[0])


def test_empty_message_gets_zero_sequence_and_the_empty_text_embedding():
    [message] = tokenizer().process([Message(data={TEXT: ""})])
    featurizer().process([message])
    seq, sent = dense(message)
    assert seq.shape == (1, 384) and not seq.any()  # the tokenizer's "<empty>" token
    np.testing.assert_allclose(sent[0], minilm.encode([""])[0], atol=1e-6)


def test_training_data_is_batched_and_matches_one_by_one_processing():
    examples = [Message(data={TEXT: t, "intent": "x"}) for t in TEXTS]
    training = TrainingData(training_examples=examples)
    tokenizer().process_training_data(training)
    featurizer(batch_size=2).process_training_data(training)

    singles = tokenizer().process([Message(data={TEXT: t}) for t in TEXTS])
    f = featurizer()
    for m in singles:
        f.process([m])
    for batched, single in zip(training.training_examples, singles):
        for a, b in zip(dense(batched), dense(single)):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, atol=1e-5)


def test_messages_without_text_are_left_alone():
    training = TrainingData(training_examples=[Message(data={"intent": "greet"})])
    tokenizer().process_training_data(training)
    featurizer().process_training_data(training)
    assert training.training_examples[0].get_dense_features(TEXT) == (None, None)


def test_token_vector_is_the_mean_of_overlapping_wordpieces():
    offsets = np.array([[0, 2], [2, 6], [7, 9]])
    hidden = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 5.0]], dtype=np.float32)
    tokens = [Token("unkind", 0, 6), Token("to", 7, 9), Token("!", 9, 10), Token("nd", 4, 6)]
    out = token_features(tokens, offsets, hidden)
    np.testing.assert_allclose(out, [[2.0, 1.0], [5.0, 5.0], [0.0, 0.0], [3.0, 2.0]])
