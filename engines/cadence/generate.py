"""Beam search over one LM or a mixture of LMs: completions of typed prefixes (online eval, offline
generation from seed prefixes), batched across prefixes and beams.

Mixture score of a continuation y given prefix p: Σ_m λ_m log p_m(y | p, c_m), with each model m
conditioned on its own category c_m (the catalog LM on the constraining pseudo-category, the query
LM on 0 = any). A hypothesis ends when <eos> is chosen; its score is the total log-probability of
the completion and its end. Each step keeps the `beam` best open hypotheses per prefix
(<eos> continuations go to the finished pool instead of taking a beam slot); search stops for
everyone once no open hypothesis can beat the `n_best`-th finished one of its prefix (scores only
fall as characters are added) or after `max_new` characters.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from engines.cadence.lm import CadenceLM, DecodeState
from engines.cadence.vocab import BOS, EOS, PAD, UNK, CharVocab


@dataclass(frozen=True)
class Component:
    """One LM of a mixture: its weight λ and the category it is conditioned on."""

    model: CadenceLM
    weight: float = 1.0
    category: int = 0


def complete(components: Sequence[Component], vocab: CharVocab, prefixes: Sequence[str], *, beam: int = 8, n_best: int = 10, max_new: int = 30, batch: int = 256) -> list[list[tuple[str, float]]]:
    """For each prefix, up to `n_best` whole texts (prefix + completion) with their mixture log-probability,
    best first. Prefixes are grouped by length so each group is encoded in one pass without padding."""
    results: list[list[tuple[str, float]]] = [[] for _ in prefixes]
    groups: dict[int, list[int]] = defaultdict(list)
    encoded = [[BOS] + vocab.encode(p) for p in prefixes]
    for i, ids in enumerate(encoded):
        groups[len(ids)].append(i)
    for _, members in sorted(groups.items()):
        for start in range(0, len(members), batch):
            rows = members[start : start + batch]
            ids = torch.tensor([encoded[i] for i in rows], dtype=torch.long)
            for r, texts in zip(rows, _beam(components, vocab, ids, beam, n_best, max_new)):
                results[r] = [(prefixes[r] + tail, score) for tail, score in texts]
    return results


def _beam(components: Sequence[Component], vocab: CharVocab, ids: torch.Tensor, beam: int, n_best: int, max_new: int) -> list[list[tuple[str, float]]]:
    n = ids.shape[0]
    states: list[DecodeState] = []
    logp = torch.zeros(n, vocab.size)
    for comp in components:
        state, lp = comp.model.start(ids, torch.full((n,), comp.category, dtype=torch.long))
        states.append(state)
        logp += comp.weight * lp
    banned = torch.tensor([PAD, BOS, UNK])
    # beams: row b*beam + j; only j = 0 is open at the start
    scores = torch.full((n, beam), float("-inf"))
    scores[:, 0] = 0.0
    rows = torch.arange(n).repeat_interleave(beam)
    states = [s.select(rows) for s in states]
    logp = logp[rows]
    history = torch.zeros(n * beam, 0, dtype=torch.long)
    fin_scores: list[torch.Tensor] = []
    fin_hist: list[torch.Tensor] = []
    for _ in range(max_new + 1):
        logp[:, banned] = float("-inf")
        total = scores.reshape(-1, 1) + logp  # [n*beam, V]
        fin_scores.append(total[:, EOS].reshape(n, beam).clone())
        fin_hist.append(history)
        total[:, EOS] = float("-inf")
        flat = total.reshape(n, beam * vocab.size)
        best, pos = flat.topk(beam, dim=1)
        done = torch.cat(fin_scores, dim=1)
        kth = done.topk(min(n_best, done.shape[1]), dim=1).values[:, -1]
        if history.shape[1] >= max_new or bool((best[:, 0] <= kth).all()):
            break
        src = (torch.arange(n)[:, None] * beam + pos // vocab.size).reshape(-1)
        token = (pos % vocab.size).reshape(-1)
        scores = best
        history = torch.cat([history[src], token[:, None]], dim=1)
        logp = torch.zeros(n * beam, vocab.size)
        for c, comp in enumerate(components):
            states[c], lp = comp.model.step(states[c].select(src), token)
            logp += comp.weight * lp
    out: list[list[tuple[str, float]]] = []
    all_scores = torch.cat(fin_scores, dim=1)  # [n, steps*beam]
    k = min(n_best, all_scores.shape[1])
    top_s, top_i = all_scores.topk(k, dim=1)
    for b in range(n):
        texts = []
        for s, i in zip(top_s[b].tolist(), top_i[b].tolist()):
            if s == float("-inf"):
                break
            step, j = divmod(i, beam)
            texts.append((vocab.decode(fin_hist[step][b * beam + j].tolist()), s))
        out.append(texts)
    return out


def blocked(text: str, n: int = 2) -> bool:
    """n-gram blocking: a text that repeats a word n-gram (n = 1 by default for words of 3+ letters,
    and any bigram) is degenerate generation ("red red dress", "for men for men")."""
    words = text.split()
    long_words = [w for w in words if len(w) >= 3]
    grams = list(zip(*(words[i:] for i in range(n))))
    return len(set(long_words)) < len(long_words) or len(set(grams)) < len(grams)


def generate_for_category(components: Sequence[Component], vocab: CharVocab, seeds: Sequence[str], quota: int, *, known_words: set[str] | None = None, beam: int = 8, per_seed: int = 6, max_new: int = 30, min_chars: int = 3) -> list[tuple[str, float]]:
    """Up to `quota` distinct queries for one category: each seed prefix is completed by the
    category-conditioned mixture; blocked, too-short and duplicate texts are dropped; the rest are
    ranked by per-character log-probability (score / (len + 1), so long and short queries compete
    fairly) and the best `quota` kept. With `known_words`, a text with any word outside it (a
    character LM can stop mid-word: "lego stard") is dropped too. Seeds spread the quota over the category's vocabulary
    (diversity), the quota keeps any one category from flooding the index."""
    found: dict[str, float] = {}
    for seed, texts in zip(seeds, complete(components, vocab, list(seeds), beam=beam, n_best=per_seed, max_new=max_new)):
        for text, score in texts:
            words = text.split()
            text = " ".join(words)
            # the seed must be extended by at least one word of 2+ characters ("red e" is no query)
            if known_words is not None and not all(w in known_words for w in words):
                continue
            if len(text) >= min_chars and len(words) > len(seed.split()) and len(words[-1]) >= 2 and not blocked(text):
                norm = score / (len(text) + 1)
                if norm > found.get(text, float("-inf")):
                    found[text] = norm
    return sorted(found.items(), key=lambda x: -x[1])[:quota]
