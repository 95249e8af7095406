"""A small CNN over MiniLM's wordpiece vectors: the part of the sentiment model that knows words the
training posts never showed it.

WHY: the n-gram model only knows the words of its training posts; a brand's new vocabulary (and
TweetEval's 2017 test posts) fall outside it. MiniLM's input wordpiece table (30,522 vectors,
pretrained on a large general corpus) gives every subword a vector whose neighbours mean something.
A transformer over it reads ~60 posts/s per core here; this network reads the table *statically*
(one lookup per wordpiece), so it scores ~10,000 posts/s on one core, and trains in 1–1.5 minutes of
one core:

    wordpieces (≤ `MAX_PIECES`) → vectors (MiniLM's table projected once by PCA to `DIM` dims,
    unit variance; fine-tuned in training) → one convolution of width 3 (`HIDDEN` filters, ReLU)
    → [max ‖ mean] over the post's positions → 3 logits.

Measured on TweetEval's validation split (docs/hype.md): alone 0.663–0.670 macro-recall (the n-gram
model 0.685), averaged with it 0.698–0.705 (two trainings). The table frozen instead of fine-tuned:
0.636 alone, 0.693 averaged. Tried for v5 and dropped (docs/hype.md): a table distilled from the whole
transformer (each wordpiece read alone as `[CLS] piece [SEP]`, Model2Vec-style) — alone +0.010,
averaged with the n-gram model no better (0.709 vs 0.710) and 32 s more build; widths 2–4 — no change.

Training uses torch (imported only there); scoring is numpy, so the hype path never imports torch.
The tokenizer travels with the model (its `tokenizer.json` text), so a saved model needs nothing
else. Deterministic given the seed (one torch thread while training).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

DIM = 128  # PCA width of the wordpiece vectors
HIDDEN = 256  # convolution filters
WIDTH = 3  # wordpieces per filter window
MAX_PIECES = 64  # a post's wordpieces after this are ignored (tweets average ~21)
EPOCHS = 2
LEARNING_RATE = 2e-3  # Adam, one-cycle schedule; the same rate for the sparse table updates
BATCH = 256
DROPOUT = 0.2
SCORE_BATCH = 512
UNKNOWN = "[UNK]"  # what an empty post reads as


@dataclass(frozen=True)
class Wordpieces:
    """A pretrained wordpiece table and its tokenizer (`tokenizer.json` text), e.g. MiniLM's."""

    tokenizer_json: str
    vectors: np.ndarray  # (vocabulary, width)


@dataclass
class WordpieceCNN:
    """The trained network as arrays. `conv` is the convolution as one matrix: row `k·DIM + d` holds
    the weight of vector dimension d at window position k (k = 0 is the wordpiece before)."""

    tokenizer_json: str
    table: np.ndarray  # (vocabulary, DIM)
    conv: np.ndarray  # (WIDTH·DIM, HIDDEN)
    conv_bias: np.ndarray
    out: np.ndarray  # (2·HIDDEN, 3)
    out_bias: np.ndarray

    @cached_property
    def tokenizer(self) -> "Tokenizer":
        from tokenizers import Tokenizer

        tok = Tokenizer.from_str(self.tokenizer_json)
        tok.no_padding()
        tok.no_truncation()
        return tok

    def pieces(self, normalised: Sequence[str]) -> list[np.ndarray]:
        return piece_ids(self.tokenizer, normalised)

    def predict_proba(self, normalised: Sequence[str]) -> np.ndarray:
        """(posts, 3) class probabilities for `normalise`d texts."""
        ids = self.pieces(normalised)
        out = np.zeros((len(ids), 3), dtype=np.float32)
        table = self.table.astype(np.float32, copy=False)
        for rows, batch, mask in _batches(ids, np.argsort([len(i) for i in ids], kind="stable"), SCORE_BATCH):
            x = table[batch]  # (B, T, DIM)
            t = x.shape[1]
            padded = np.zeros((x.shape[0], t + WIDTH - 1, x.shape[2]), dtype=np.float32)
            padded[:, WIDTH // 2: WIDTH // 2 + t] = x
            windows = np.concatenate([padded[:, k: k + t] for k in range(WIDTH)], axis=2)
            h = np.maximum(windows @ self.conv + self.conv_bias, 0.0) * mask[:, :, None]
            pooled = np.concatenate([h.max(axis=1), h.sum(axis=1) / mask.sum(axis=1, keepdims=True)], axis=1)
            out[rows] = softmax(pooled @ self.out + self.out_bias)
        return out

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        tokenizer = np.frombuffer(self.tokenizer_json.encode("utf-8"), dtype=np.uint8)
        return {f"{prefix}tokenizer": tokenizer, f"{prefix}table": self.table.astype(np.float16), f"{prefix}conv": self.conv,
                f"{prefix}conv_bias": self.conv_bias, f"{prefix}out": self.out, f"{prefix}out_bias": self.out_bias}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> "WordpieceCNN":
        """The inverse of `to_arrays`; `KeyError` when a part is missing, `ValueError` for wrong shapes."""
        table = arrays[f"{prefix}table"].astype(np.float32)
        conv, out = arrays[f"{prefix}conv"], arrays[f"{prefix}out"]
        if conv.shape[0] != WIDTH * table.shape[1] or out.shape != (2 * conv.shape[1], 3):
            raise ValueError("a wordpiece CNN with arrays of the wrong shape")
        return cls(bytes(arrays[f"{prefix}tokenizer"]).decode("utf-8"), table, conv, arrays[f"{prefix}conv_bias"], out, arrays[f"{prefix}out_bias"])


def piece_ids(tokenizer: "Tokenizer", normalised: Sequence[str]) -> list[np.ndarray]:
    """Each text's wordpiece ids without [CLS]/[SEP], cut to `MAX_PIECES`; [UNK] for an empty text."""
    encoded = tokenizer.encode_batch(list(normalised), add_special_tokens=False)
    unknown = [tokenizer.token_to_id(UNKNOWN) or 0]
    return [np.asarray(e.ids[:MAX_PIECES] or unknown, dtype=np.int64) for e in encoded]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of (rows, classes) logits, shifted by each row's maximum so exp cannot overflow."""
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def _batches(ids: list[np.ndarray], order: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Rows of `order` in groups of `size`, each padded (id 0, mask 0) to its longest post."""
    for start in range(0, len(order), size):
        rows = order[start: start + size]
        longest = max(len(ids[r]) for r in rows)
        batch = np.zeros((len(rows), longest), dtype=np.int64)
        mask = np.zeros((len(rows), longest), dtype=np.float32)
        for i, r in enumerate(rows):
            batch[i, : len(ids[r])] = ids[r]
            mask[i, : len(ids[r])] = 1.0
        yield rows, batch, mask


def projected_table(vectors: np.ndarray, dim: int = DIM) -> np.ndarray:
    """The wordpiece table centred, projected on its top `dim` principal axes, scaled to unit variance.
    Row 0 ([PAD]) is zero, like the convolution's own padding, so a post's scores do not depend on
    the length of the posts batched with it."""
    centred = vectors.astype(np.float64) - vectors.mean(axis=0)
    axes = np.linalg.svd(centred, full_matrices=False)[2][:dim]
    table = centred @ axes.T
    table /= table.std()
    table[0] = 0.0
    return table.astype(np.float32)


def train_cnn(normalised: Sequence[str], y: np.ndarray, weights: np.ndarray, wordpieces: Wordpieces, *, seed: int = 0,
              epochs: float = EPOCHS, dim: int = DIM, hidden: int = HIDDEN, learning_rate: float = LEARNING_RATE) -> WordpieceCNN:
    """Fit on `normalise`d texts, label indices `y` and per-row loss `weights`: Adam with a one-cycle
    rate over `epochs` passes, batches of posts of similar length (sorted within blocks of 50
    batches, the batches then shuffled)."""
    import torch
    from tokenizers import Tokenizer
    from torch import nn
    from torch.nn import functional as F

    tokenizer = Tokenizer.from_str(wordpieces.tokenizer_json)
    tokenizer.no_padding()
    tokenizer.no_truncation()
    ids = piece_ids(tokenizer, normalised)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        table = projected_table(wordpieces.vectors, dim)
        dim = table.shape[1]  # a table narrower than `dim` keeps its width
        embedding = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=False, padding_idx=0, sparse=True)
        conv, head, drop = nn.Conv1d(dim, hidden, WIDTH, padding=WIDTH // 2), nn.Linear(2 * hidden, 3), nn.Dropout(DROPOUT)
        dense = list(conv.parameters()) + list(head.parameters())
        optimisers = [torch.optim.Adam(dense, lr=learning_rate), torch.optim.SparseAdam([embedding.weight], lr=learning_rate)]
        steps = max(1, int(epochs * len(ids) / BATCH))
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimisers[0], max_lr=learning_rate, total_steps=steps + 1, pct_start=0.1)
        targets, row_weights = torch.tensor(np.asarray(y), dtype=torch.int64), torch.tensor(np.asarray(weights), dtype=torch.float32)
        lengths = np.array([len(i) for i in ids])
        step = 0
        while step < steps:
            perm = rng.permutation(len(ids))
            blocks = [perm[i: i + BATCH * 50] for i in range(0, len(perm), BATCH * 50)]
            order = np.concatenate([b[np.argsort(lengths[b], kind="stable")] for b in blocks])
            groups = [order[i: i + BATCH] for i in range(0, len(order), BATCH)]
            rng.shuffle(groups)
            for rows, batch, mask in _batches(ids, np.concatenate(groups), BATCH):
                m = torch.from_numpy(mask)[:, None, :]
                h = F.relu(conv(drop(embedding(torch.from_numpy(batch))).transpose(1, 2))) * m
                logits = head(drop(torch.cat([h.amax(2), h.sum(2) / m.sum(2)], 1)))
                loss = (F.cross_entropy(logits, targets[rows], reduction="none") * row_weights[rows]).mean()
                for o in optimisers:
                    o.zero_grad()
                loss.backward()
                for o in optimisers:
                    o.step()
                schedule.step()
                step += 1
                if step >= steps:
                    break
    finally:
        torch.set_num_threads(threads)
    with torch.no_grad():
        kernel = conv.weight.permute(2, 1, 0).reshape(WIDTH * dim, hidden)  # (filters, dim, k) → rows k·dim + d
        table = embedding.weight.numpy().astype(np.float16).astype(np.float32)  # as saved, so a reloaded model scores the same
        return WordpieceCNN(wordpieces.tokenizer_json, table, kernel.numpy().copy(), conv.bias.numpy().copy(),
                            head.weight.T.numpy().copy(), head.bias.numpy().copy())
