"""The linear intent model and its Rasa adapter, trained on a small corpus."""
import numpy as np
import pytest

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_model import LinearIntentModel
from bot.nlu.linear_classifier import LinearIntentClassifier, lemma_text
from bot.nlu.minilm_featurizer import MiniLMFeaturizer
from bot.nlu.tokenizer import NestSpacyTokenizer

CORPUS = {
    "topic_co_regulation": [
        "how do I calm a child who is having a meltdown",
        "helping a pupil settle when they are overwhelmed",
        "staying calm myself so the child can calm down",
        "sut mae helpu plentyn i dawelu",
        "beth yw cyd-reoleiddio",
        "mae'r plentyn wedi cynhyrfu, sut mae ei dawelu",
    ],
    "topic_transitions": [
        "moving up to secondary school next september",
        "the move from year 6 to year 7 is worrying him",
        "changing schools in the middle of the year",
        "symud o'r ysgol gynradd i'r ysgol uwchradd",
        "pontio i flwyddyn 7",
        "newid ysgol ganol y flwyddyn",
    ],
    "book_consultation": [
        "I'd like to book a consultation",
        "can I get a slot with the link professional",
        "book me in for a drop-in session",
        "hoffwn i drefnu ymgynghoriad",
        "ga i slot efo'r gweithiwr cyswllt",
        "archebu sesiwn galw heibio",
    ],
}


def messages_for(texts, intents=None):
    tokenizer = NestSpacyTokenizer(NestSpacyTokenizer.get_default_config())
    featurizer = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm")
    msgs = [Message(data={TEXT: t, **({INTENT: i} if intents else {})})
            for t, i in zip(texts, intents or [None] * len(texts))]
    tokenizer.process(msgs)
    featurizer.process(msgs)
    return msgs


def corpus():
    texts, intents = [], []
    for intent, examples in CORPUS.items():
        texts += examples
        intents += [intent] * len(examples)
    return texts, intents


def test_model_ranks_every_intent_with_probabilities_summing_to_one():
    texts, intents = corpus()
    model = LinearIntentModel().fit(texts, None, intents)
    ranking = model.rank("a child melting down in class, how do I calm him", None)
    assert ranking[0][0] == "topic_co_regulation"
    assert sorted(n for n, _ in ranking) == sorted(CORPUS)
    assert sum(c for _, c in ranking) == pytest.approx(1.0)
    assert [c for _, c in ranking] == sorted((c for _, c in ranking), reverse=True)


def test_character_ngrams_carry_welsh_mutations_the_words_never_saw():
    texts, intents = corpus()
    model = LinearIntentModel().fit(texts, None, intents)
    # "ymgynghoriad" (consultation) mutated after "fy": "fy ymgynghoriad"; "trefnu" unseen as "drefnu"
    assert model.rank("dw i eisiau drefnu ymgynghoriad", None)[0][0] == "book_consultation"
    assert model.rank("pontio o flwyddyn 6", None)[0][0] == "topic_transitions"


def test_model_refuses_bad_training_input():
    with pytest.raises(ValueError):
        LinearIntentModel().fit(["a", "b"], None, ["x"])
    with pytest.raises(ValueError):
        LinearIntentModel().fit(["a", "b"], None, ["x", "x"])
    with pytest.raises(RuntimeError):
        LinearIntentModel().rank("hello", None)


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context():
    return ExecutionContext(GraphSchema({}), "test-model")


def test_component_trains_persists_loads_and_classifies_english_and_welsh(storage):
    texts, intents = corpus()
    config = LinearIntentClassifier.get_default_config()
    resource = Resource("linear")
    component = LinearIntentClassifier.create(config, storage, resource, context())
    component.train(TrainingData(messages_for(texts, intents)))
    assert component.embedding_dim == 384  # the MiniLM sentence embedding was used

    loaded = LinearIntentClassifier.load(config, storage, resource, context())
    probes = messages_for(["my pupil is overwhelmed and shouting, how can I help her calm down?",
                           "hoffwn i archebu slot",
                           "/greet"])
    loaded.process(probes)
    assert probes[0].get(INTENT)["name"] == "topic_co_regulation"
    assert probes[1].get(INTENT)["name"] == "book_consultation"
    ranking = probes[0].get(INTENT_RANKING_KEY)
    assert len(ranking) == 3 and ranking[0]["confidence"] == probes[0].get(INTENT)["confidence"]
    # Button payloads get an intent too (the FallbackClassifier needs one; Rasa's
    # RegexMessageHandler then applies the payload's own intent).
    assert probes[2].get(INTENT)["name"] in CORPUS


def test_an_untrained_component_gives_no_intent_and_an_empty_ranking(storage):
    config = LinearIntentClassifier.get_default_config()
    component = LinearIntentClassifier.load(config, storage, Resource("never-trained"), context())
    [message] = messages_for(["hello"])
    component.process([message])
    assert message.get(INTENT) == {"name": None, "confidence": 0.0}
    assert message.get(INTENT_RANKING_KEY) == []


def test_every_message_reaches_the_fallback_classifier_with_an_intent(storage):
    """A button payload or an empty message must not crash the next component."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    texts, intents = corpus()
    config = LinearIntentClassifier.get_default_config()
    component = LinearIntentClassifier.create(config, storage, Resource("linear"), context())
    component.train(TrainingData(messages_for(texts, intents)))
    probes = messages_for(["/topic_transitions", "", "   ", "pontio"])
    component.process(probes)
    fallback = FallbackClassifier(FallbackClassifier.get_default_config())
    fallback.process(probes)
    assert all(m.get(INTENT)["name"] for m in probes)


def test_lemma_text_is_what_the_tokenizer_normalised():
    [message] = messages_for(["Thx, the kids were SOOOO upset"])
    # spelling table (thx -> thanks, kids -> children), lemmas, repeats collapsed
    assert lemma_text(message) == "thanks the children be soo upset"


def test_welsh_messages_lean_less_on_the_english_sentence_embedding():
    texts, intents = corpus()
    emb = np.eye(len(texts), 8)  # a stand-in embedding: one direction per training example
    plain = LinearIntentModel(welsh_embedding_weight=1.0)
    damped = LinearIntentModel(welsh_embedding_weight=0.0)
    welsh = [False] * len(texts)
    plain.fit(texts, emb, intents, welsh=welsh)
    damped.fit(texts, emb, intents, welsh=welsh)
    probe = emb[:1]  # the embedding of a co-regulation example, words of a booking one
    words = "archebu sesiwn galw heibio"
    assert damped.probabilities([words], probe, [True])[0].tolist() == \
        damped.probabilities([words], np.zeros_like(probe), [True])[0].tolist()
    assert plain.probabilities([words], probe, [True])[0].tolist() != \
        plain.probabilities([words], np.zeros_like(probe), [True])[0].tolist()


def test_component_marks_welsh_training_examples(storage):
    from bot.nlu.linear_classifier import is_welsh
    [cy, en] = messages_for(["sut mae helpu plentyn i dawelu", "how do I help a child calm down"])
    assert is_welsh(cy) and not is_welsh(en)
