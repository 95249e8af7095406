"""The suggesters the autosuggest eval compares, and the engine the tool serves.

- MPC (most popular completion): the k most frequent logged queries starting with the prefix.
- MPC+LW: MPC, then — to fill up to k — the words typed before the last partial word kept, and that
  partial word completed by the most frequent words (unigram counts in the log) starting with it.
- Engine: candidates from MPC (top `k_pop`) and from the query LM's beam search (which completes the
  partial word and writes the words that follow), merged by
      score(c | p) = log p_LM(c | p) + α · log(1 + n(c))
  where n(c) is the log count of candidate c (0 for generated ones) and α is chosen on a validation
  slice of the training log (`fit_alpha`), never on the test part. α → ∞ is MPC then LM; α = 0 is
  the LM alone.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from engines.cadence.generate import Component, complete
from engines.cadence.lm import CadenceLM, completion_logprob
from engines.cadence.popular import MPC, popularity_index
from engines.cadence.text import split_last_word
from engines.cadence.vocab import CharVocab

class MPCLastWord(MPC):
    def __init__(self, queries: Sequence[str]):
        super().__init__(queries)
        words: Counter[str] = Counter()
        for q, n in self.counts.items():
            for w in q.split():
                words[w] += n
        self.words = popularity_index(words)

    def suggest(self, prefix: str, k: int = 10) -> list[str]:
        out = super().suggest(prefix, k)
        if len(out) < k:
            head, partial = split_last_word(prefix)
            seen = set(out)
            for hit in self.words.search(partial, k):
                text = head + hit.text
                if text not in seen:
                    out.append(text)
                    seen.add(text)
                if len(out) == k:
                    break
        return out


class EngineSuggester:
    """MPC ∪ LM-beam candidates ranked by the validated mixture score (module docstring)."""

    def __init__(self, mpc: MPCLastWord, lm: CadenceLM, vocab: CharVocab, *, alpha: float = 1.0, beam: int = 8, n_lm: int = 10, k_pop: int = 10, max_new: int = 30):
        self.mpc, self.lm, self.vocab = mpc, lm, vocab
        self.alpha, self.beam, self.n_lm, self.k_pop, self.max_new = alpha, beam, n_lm, k_pop, max_new

    def candidates(self, prefixes: Sequence[str]) -> list[list[tuple[str, float, float]]]:
        """Per prefix: (text, LM log-probability, log(1 + count)) for every candidate.
        Depends on the LM only, so it is computed once and re-ranked for any α."""
        beams = complete([Component(self.lm)], self.vocab, list(prefixes), beam=self.beam, n_best=self.n_lm, max_new=self.max_new)
        out: list[dict[str, float | None]] = []
        missing_p, missing_t, where = [], [], []
        for b, (prefix, found) in enumerate(zip(prefixes, beams)):
            cands: dict[str, float | None] = {text: score for text, score in found}
            for text in self.mpc.suggest(prefix, self.k_pop) if self.k_pop else []:
                if text not in cands:
                    cands[text] = None
                    missing_p.append(prefix)
                    missing_t.append(text)
                    where.append(b)
            out.append(cands)
        if missing_t:
            scored = completion_logprob(self.lm, self.vocab, missing_p, missing_t)
            for b, text, s in zip(where, missing_t, scored):
                out[b][text] = float(s)
        return [[(t, float(s), float(np.log1p(self.mpc.counts.get(t, 0)))) for t, s in c.items()] for c in out]

    @staticmethod
    def rank(cands: list[tuple[str, float, float]], alpha: float, k: int) -> list[str]:
        scored = sorted(cands, key=lambda c: -(c[1] + alpha * c[2]))
        return [c[0] for c in scored[:k]]

    def suggest_many(self, prefixes: Sequence[str], k: int = 10) -> list[list[str]]:
        return [self.rank(c, self.alpha, k) for c in self.candidates(prefixes)]


def reciprocal_rank(suggestions: Sequence[str], target: str, k: int = 10) -> float:
    for i, s in enumerate(suggestions[:k]):
        if s == target:
            return 1.0 / (i + 1)
    return 0.0


def fit_alpha(cands: list[list[tuple[str, float, float]]], targets: Sequence[str], grid: Sequence[float] = (0.0, 1.0, 2.0, 4.0, 7.0, 10.0, 15.0, 25.0, 50.0, 100.0), k: int = 10) -> tuple[float, dict[float, float]]:
    """The α of the grid with the best MRR@k on validation candidates (ties → the smaller α)."""
    mrr = {a: float(np.mean([reciprocal_rank(EngineSuggester.rank(c, a, k), t, k) for c, t in zip(cands, targets)])) for a in grid}
    best = max(grid, key=lambda a: (mrr[a], -a))
    return best, mrr
