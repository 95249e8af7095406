"""The CADENCE language model: a character GRU with a self-attention memory, conditioned on a
(pseudo-)category. One class serves both LMs — the query LM (trained on a query log, category 0 =
"any") and the catalog LM (trained on summarised titles, conditioned on their pseudo-category).

Per position t, with x_t the character embedding and c the category embedding:
    h_t      = GRU(x_t + c, h_{t-1})
    a_{t,j}  = softmax_j( (W_q h_t) · (W_k h_j) / sqrt(d_a) ),  j ≤ t        (causal self-attention)
    m_t      = Σ_j a_{t,j} h_j                                               (the memory read)
    p(y_t)   = softmax( W_o [h_t ; m_t] + b_o )
The attention lets the model look back at earlier words (a brand typed first, a size typed later)
beyond what the GRU state keeps. Decoding is incremental: the state carries h_t and the keys and
values of every earlier position, so each step costs one GRU cell and one attention read — the
prefix is never recomputed.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from pydantic import BaseModel, Field
from torch import Tensor, nn

from engines.cadence.vocab import BOS, EOS, PAD, CharVocab


class LMConfig(BaseModel):
    vocab_size: int
    n_categories: int = Field(default=1, description="Category ids 0..n-1; 0 means 'any category'.")
    embed: int = 64
    hidden: int = 256
    layers: int = 1
    attn: int = 64
    dropout: float = 0.1
    max_len: int = Field(default=48, description="Characters per training sequence (longer ones are cut).")


class TrainConfig(BaseModel):
    epochs: int = 3
    batch: int = 128
    lr: float = 3e-3
    max_steps: int | None = Field(default=None, description="Stop after this many updates (a time budget that does not depend on the machine).")
    seed: int = 0


@dataclass
class DecodeState:
    """Everything the next step needs: GRU hidden [layers, B, H], attention keys [B, T, A], values [B, T, H], categories [B]."""

    h: Tensor
    keys: Tensor
    values: Tensor
    cats: Tensor

    def select(self, idx: Tensor) -> DecodeState:
        """Reorder/duplicate the batch rows (beam search keeps the rows of surviving beams)."""
        return DecodeState(self.h[:, idx], self.keys[idx], self.values[idx], self.cats[idx])


class CadenceLM(nn.Module):
    def __init__(self, config: LMConfig):
        super().__init__()
        self.config = config
        self.tok = nn.Embedding(config.vocab_size, config.embed, padding_idx=PAD)
        self.cat = nn.Embedding(config.n_categories, config.embed)
        self.gru = nn.GRU(config.embed, config.hidden, config.layers, batch_first=True, dropout=config.dropout if config.layers > 1 else 0.0)
        self.q = nn.Linear(config.hidden, config.attn, bias=False)
        self.k = nn.Linear(config.hidden, config.attn, bias=False)
        self.drop = nn.Dropout(config.dropout)
        self.out = nn.Linear(2 * config.hidden, config.vocab_size)

    def _read(self, queries: Tensor, keys: Tensor, values: Tensor, causal: bool) -> Tensor:
        scores = queries @ keys.transpose(1, 2) / math.sqrt(self.config.attn)
        if causal:
            t = scores.shape[-1]
            mask = torch.ones(t, t, dtype=torch.bool, device=scores.device).triu(1)
            scores = scores.masked_fill(mask, float("-inf"))
        return torch.softmax(scores, dim=-1) @ values

    def forward(self, ids: Tensor, cats: Tensor) -> Tensor:
        """Logits [B, T, V] for next characters of `ids` [B, T] (teacher forcing)."""
        x = self.drop(self.tok(ids) + self.cat(cats)[:, None, :])
        o, _ = self.gru(x)
        m = self._read(self.q(o), self.k(o), o, causal=True)
        return self.out(self.drop(torch.cat([o, m], dim=-1)))

    @torch.no_grad()
    def start(self, ids: Tensor, cats: Tensor) -> tuple[DecodeState, Tensor]:
        """Encode prefixes `ids` [B, T] (all the same length, starting with <bos>) once: the state
        after the last one and the log-probabilities [B, V] of the next character."""
        x = self.tok(ids) + self.cat(cats)[:, None, :]
        o, h = self.gru(x)
        keys = self.k(o)
        m = self._read(self.q(o[:, -1:]), keys, o, causal=False)[:, 0]
        logp = torch.log_softmax(self.out(torch.cat([o[:, -1], m], dim=-1)), dim=-1)
        return DecodeState(h, keys, o, cats), logp

    @torch.no_grad()
    def step(self, state: DecodeState, token: Tensor) -> tuple[DecodeState, Tensor]:
        """Feed one character per row [B]; the new state and next-character log-probabilities [B, V]."""
        x = self.tok(token) + self.cat(state.cats)
        o, h = self.gru(x[:, None, :], state.h)
        keys = torch.cat([state.keys, self.k(o)], dim=1)
        values = torch.cat([state.values, o], dim=1)
        m = self._read(self.q(o), keys, values, causal=False)[:, 0]
        logp = torch.log_softmax(self.out(torch.cat([o[:, 0], m], dim=-1)), dim=-1)
        return DecodeState(h, keys, values, state.cats), logp


def encode_batch(vocab: CharVocab, texts: list[str], max_len: int) -> list[list[int]]:
    """<bos> text <eos>, cut to max_len + 2 tokens (a cut sequence has no <eos>: it is not a whole query)."""
    out = []
    for text in texts:
        ids = vocab.encode(text)
        out.append([BOS] + ids[:max_len] + ([EOS] if len(ids) <= max_len else []))
    return out


def train_lm(texts: list[str], vocab: CharVocab, config: LMConfig, train: TrainConfig, categories: list[int] | None = None, log: Callable[[str], None] | None = None,
             progress: Callable[[float], None] | None = None) -> CadenceLM:
    """Train by next-character cross-entropy (mean over non-pad targets) with Adam and gradient
    clipping at 1.0. Batches hold sequences of similar length (sorted into buckets, then shuffled
    with the seed) so little compute goes to padding. `progress(fraction)` is called every 20 updates."""
    torch.manual_seed(train.seed)
    rng = np.random.default_rng(train.seed)
    model = CadenceLM(config)
    seqs = encode_batch(vocab, texts, config.max_len)
    cats = np.asarray(categories if categories is not None else [0] * len(texts), dtype=np.int64)
    order = np.argsort([len(s) for s in seqs], kind="stable")
    batches = [order[i : i + train.batch] for i in range(0, len(order), train.batch)]
    opt = torch.optim.Adam(model.parameters(), lr=train.lr)
    total_steps = train.epochs * len(batches) if train.max_steps is None else min(train.max_steps, train.epochs * len(batches))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=train.lr, total_steps=max(total_steps, 1), pct_start=0.1)
    step, started = 0, time.perf_counter()
    model.train()
    for epoch in range(train.epochs):
        for b in rng.permutation(len(batches)):
            if step >= total_steps:
                break
            rows = batches[b]
            width = max(len(seqs[i]) for i in rows)
            ids = torch.full((len(rows), width), PAD, dtype=torch.long)
            for r, i in enumerate(rows):
                ids[r, : len(seqs[i])] = torch.tensor(seqs[i])
            logits = model(ids[:, :-1], torch.from_numpy(cats[rows]))
            loss = nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), ids[:, 1:].reshape(-1), ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if progress is not None and step % 20 == 0:
                progress(step / total_steps)
            if log is not None and step % 200 == 0:
                log(f"lm epoch {epoch} step {step}/{total_steps} loss {loss.item():.3f} ({time.perf_counter() - started:.0f}s)")
    model.eval()
    return model


@torch.no_grad()
def completion_logprob(model: CadenceLM, vocab: CharVocab, prefixes: list[str], texts: list[str], category: int = 0, batch: int = 512) -> np.ndarray:
    """log p(text[len(prefix):] + <eos> | <bos> prefix) for each (prefix, text) pair, where each
    text starts with its prefix: the exact LM score of a candidate the beam did not reach."""
    seqs = encode_batch(vocab, texts, model.config.max_len)
    starts = [len(p) + 1 for p in prefixes]  # first target position predicted after the prefix
    out = np.zeros(len(texts))
    order = np.argsort([len(s) for s in seqs], kind="stable")
    for i in range(0, len(order), batch):
        rows = order[i : i + batch]
        width = max(len(seqs[r]) for r in rows)
        ids = torch.full((len(rows), width), PAD, dtype=torch.long)
        for j, r in enumerate(rows):
            ids[j, : len(seqs[r])] = torch.tensor(seqs[r])
        logp = torch.log_softmax(model(ids[:, :-1], torch.full((len(rows),), category, dtype=torch.long)), dim=-1)
        tok = logp.gather(2, ids[:, 1:, None])[:, :, 0]
        pos = torch.arange(width - 1)[None, :]
        begin = torch.tensor([starts[r] - 1 for r in rows])[:, None]
        keep = (pos >= begin) & (ids[:, 1:] != PAD)
        out[rows] = (tok * keep).sum(dim=1).numpy()
    return out
