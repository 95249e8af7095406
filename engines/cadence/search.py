"""Product search: Okapi BM25 over titles, fused with a vector ranking by reciprocal rank fusion.

BM25 (k1 = 1.2, b = 0.75):
    score(d, q) = Σ_{t ∈ q} idf(t) · f(t,d)(k1 + 1) / (f(t,d) + k1 (1 − b + b |d| / avgdl))
    idf(t)      = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))
Reciprocal rank fusion (Cormack et al. 2009), k = 60:
    RRF(d) = Σ_r 1 / (k + rank_r(d))
RRF needs no score calibration between the lexical and the vector ranking, which live on unrelated
scales, and a document found by both rises above one found by either alone.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class BM25:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75):
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs))
        for d, doc in enumerate(docs):
            toks = tokenize(doc)
            lengths[d] = len(toks)
            counts: dict[int, int] = {}
            for t in toks:
                i = self.vocab.setdefault(t, len(self.vocab))
                counts[i] = counts.get(i, 0) + 1
            rows.extend([d] * len(counts))
            cols.extend(counts)
            vals.extend(counts.values())
        tf = sparse.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(len(docs), len(self.vocab)))
        n_t = np.bincount(cols, minlength=len(self.vocab)) if cols else np.zeros(0)
        self.idf = np.log1p((len(docs) - n_t + 0.5) / (n_t + 0.5))
        norm = k1 * (1 - b + b * lengths / max(lengths.mean() if len(docs) else 1.0, 1e-9))
        tf = tf.tocoo()
        weighted = tf.data * (k1 + 1) / (tf.data + norm[tf.row])
        self.matrix = sparse.csc_matrix((weighted, (tf.row, tf.col)), shape=tf.shape)

    def scores(self, query: str) -> np.ndarray:
        ids = [self.vocab[t] for t in set(tokenize(query)) if t in self.vocab]
        out = np.zeros(self.matrix.shape[0])
        for i in ids:
            col = self.matrix.getcol(i)
            out[col.indices] += self.idf[i] * col.data
        return out

    def top(self, query: str, k: int, mask: np.ndarray | None = None) -> list[int]:
        """Ids of the k best-scoring documents with a positive score (within `mask` if given)."""
        s = self.scores(query)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        hits = np.flatnonzero(s > 0)
        return hits[np.argsort(-s[hits], kind="stable")][:k].tolist()


def rrf(rankings: Sequence[Sequence[int]], k: int = 60) -> list[tuple[int, float]]:
    """Fused (doc id, RRF score), best first; ties broken by first appearance."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda x: -x[1])
