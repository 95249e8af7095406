"""Pseudo-categories: HDBSCAN over title embeddings, so generation can be constrained by category
even for catalogs whose own trees are missing, inconsistent or too deep (CADENCE §3.1).

1. The unit-length embeddings are projected on their first `dims` principal components (PCA,
   deterministic SVD): HDBSCAN's density estimates degrade in hundreds of dimensions, and the
   projection lets it use a k-d tree.
2. HDBSCAN (min_cluster_size, min_samples) finds clusters of any shape and leaves sparse points as
   noise (-1). Deterministic: it has no random step.
3. Noise is handled by assigning each noise point to the cluster whose centroid is nearest
   (Euclidean in the projected space), so every product gets a category to condition on.
4. Each cluster is named by its two most distinctive words (function words excluded: "dice of"
   names nothing), ranked by class-based TF-IDF:
   w(t, c) = tf(t, c) · log(1 + A / f(t)), tf = count of t in c's texts, f(t) = count of t over all
   clusters, A = mean number of words per cluster.
Agreement with a real category tree is reported as NMI and ARI (scikit-learn).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel
from sklearn.cluster import HDBSCAN
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from engines.cadence.text import FUNCTION_WORDS


class Clustering(BaseModel):
    labels: list[int]
    n_clusters: int
    noise_share: float


def pseudo_categories(embeddings: np.ndarray, *, dims: int = 16, min_cluster_size: int = 40, min_samples: int = 10) -> Clustering:
    if len(embeddings) < max(min_cluster_size, 2):
        return Clustering(labels=[0] * len(embeddings), n_clusters=1 if len(embeddings) else 0, noise_share=0.0)
    dims = min(dims, embeddings.shape[1], len(embeddings) - 1)
    projected = PCA(n_components=dims, svd_solver="full").fit_transform(embeddings.astype(np.float64))
    raw = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=min_samples, algorithm="kd_tree", copy=True).fit_predict(projected)
    clusters = sorted(set(raw) - {-1})
    if not clusters:
        return Clustering(labels=[0] * len(embeddings), n_clusters=1, noise_share=1.0)
    centroids = np.stack([projected[raw == c].mean(axis=0) for c in clusters])
    labels = raw.copy()
    noise = raw == -1
    if noise.any():
        dist = ((projected[noise, None, :] - centroids[None, :, :]) ** 2).sum(-1)
        labels[noise] = np.asarray(clusters)[dist.argmin(axis=1)]
    remap = {c: i for i, c in enumerate(clusters)}
    return Clustering(labels=[remap[int(c)] for c in labels], n_clusters=len(clusters), noise_share=float(noise.mean()))


def name_clusters(texts: Sequence[str], labels: Sequence[int], words: int = 2) -> dict[int, str]:
    """Cluster id → its `words` most distinctive words by class-based TF-IDF (module docstring)."""
    per: dict[int, Counter[str]] = {}
    for text, c in zip(texts, labels):
        per.setdefault(c, Counter()).update(w for w in text.split() if w not in FUNCTION_WORDS)
    total: Counter[str] = Counter()
    for counts in per.values():
        total.update(counts)
    avg = sum(total.values()) / max(len(per), 1)
    names: dict[int, str] = {}
    for c, counts in sorted(per.items()):
        ranked = sorted(counts, key=lambda t: (-counts[t] * np.log1p(avg / total[t]), t))
        base = " ".join(ranked[:words]) or f"category {c}"
        names[c] = base if base not in names.values() else f"{base} ({c})"
    return names


def agreement(labels: Sequence[int], truth: Sequence[str]) -> tuple[float, float]:
    """(NMI, ARI) of the pseudo-categories against a real category assignment."""
    return float(normalized_mutual_info_score(truth, labels)), float(adjusted_rand_score(truth, labels))
