"""all-MiniLM-L6-v2 sentence embeddings computed with numpy: the same vectors without importing torch.

WHY: importing sentence-transformers (torch, transformers and their dependencies) costs ~9 s of CPU
in every new process, while the model itself is a 6-layer BERT whose forward pass is a few matrix
products. The chat, the bots and the MCP server embed a sentence or two per request, so this path
makes a fresh `caeser chat --once` seconds faster. It reads the packaged model's own files
(`model.safetensors`, `tokenizer.json`, `sentence_bert_config.json`) and reproduces
sentence-transformers' pipeline exactly: BERT, mean pooling over real tokens, L2 normalisation
(`tests/memory/test_minilm.py` checks it against sentence-transformers). Any BERT-architecture
sentence-transformers folder with that module list works; others go through sentence-transformers.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.special import erf

MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling", "sentence_transformers.models.Normalize"]


def supports(path: Path) -> bool:
    """Whether `path` is a BERT + mean pooling + normalize sentence-transformers folder this module can run."""
    try:
        modules = [m["type"] for m in json.loads((path / "modules.json").read_text(encoding="utf-8"))]
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    return (modules == MODULES and config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute" and bool(mean_only) and (path / "model.safetensors").is_file()
            and (path / "tokenizer.json").is_file())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyMiniLM:
    """Duck-types the part of `SentenceTransformer` the project uses: `encode` and `get_embedding_dimension`."""

    def __init__(self, path: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        self.max_len = min(int(st_config.get("max_seq_length", 512)), int(config["max_position_embeddings"]))
        # dense weights stored transposed and contiguous: `x @ W` then runs as one BLAS product
        self.w = {k.removeprefix("bert."): np.ascontiguousarray(v.T if k.endswith("dense.weight") or ".self." in k and k.endswith(".weight") else v, dtype=np.float32)
                  for k, v in load_file(str(path / "model.safetensors")).items()}
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_len)
        self.tokenizer.no_padding()

    def get_embedding_dimension(self) -> int:
        return self.dim

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(batch, tokens) ids and 0/1 mask → (batch, dim) mean-pooled hidden states, float32 throughout.
        Scalars are Python floats on purpose: a numpy float64 scalar (`np.sqrt(64)`) promotes float32
        arrays to float64 under NumPy 2's rules, and every product after it ran in double precision
        at a quarter of the speed."""
        w, n, t = self.w, ids.shape[0], ids.shape[1]
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t] + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head = self.dim // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(h: np.ndarray, name: str) -> np.ndarray:
                flat = h.reshape(-1, h.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return flat.reshape(*h.shape[:-1], -1)

            q, k, v = (dense(x, f"attention.self.{m}").reshape(n, t, self.heads, head).transpose(0, 2, 1, 3) for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = ((scores / scores.sum(-1, keepdims=True)) @ v).transpose(0, 2, 1, 3).reshape(n, t, self.dim)
            x = _layer_norm(dense(context, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self.eps)
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / math.sqrt(2.0)))
            x = _layer_norm(dense(inner, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        m = mask[:, :, None].astype(np.float32)
        return (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)

    def encode(self, sentences: Sequence[str], batch_size: int = 64, normalize_embeddings: bool = False, **_ignored: object) -> np.ndarray:
        """Like `SentenceTransformer.encode(..., convert_to_numpy=True)`: float32 rows in input order.
        Texts are batched by length so that padding stays small."""
        from threadpoolctl import threadpool_limits

        encodings = self.tokenizer.encode_batch(list(sentences))
        # One BLAS thread: these products are small (≤ 64 texts × their tokens), and extra BLAS
        # threads only fight the caller's other threads for the cores — on a busy 2-core machine a
        # (50×384)·(384×1536) product took 32 ms with OpenBLAS's threads and 1.7 ms without.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._encode(encodings, batch_size, normalize_embeddings)

    def _encode(self, encodings: list, batch_size: int, normalize_embeddings: bool) -> np.ndarray:
        out = np.zeros((len(encodings), self.dim), dtype=np.float32)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, :len(encodings[i].ids)] = encodings[i].ids
                mask[r, :len(encodings[i].ids)] = 1
            out[rows] = self._forward(ids, mask)
        if normalize_embeddings:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out
