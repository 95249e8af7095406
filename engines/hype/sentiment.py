"""Post sentiment: a classifier trained on labelled posts, over lexicon scores, token vectors and n-grams.

Why a classifier: VADER alone scores the airline posts at only ~0.46 macro-F1 (complaints are
often polite: "thanks for the 3 hour delay"). A linear classifier over `[sentence embedding ‖
lexicon features ‖ hashed word n-grams]` learns what the words mean in context and scores far
higher; the lexicon features (`engines.hype.lexicon`: VADER's valences, negation, emoji) keep the
cues that carry across brands visible to it. Posts the classifier has not reached yet are scored
by the lexicon alone (`lexicon_prediction`), which reads 100,000 posts in about 2.5 s.

Why unweighted classes although the airline posts are 63 % negative: balanced weights lowered the
in-domain score below 0.78 (0.776) and still did not beat VADER on another brand's posts (0.45 vs
0.46; docs/hype.md lists what was tried).

The classifier is multinomial logistic regression, stored as plain numpy arrays (`.npz`), so that
reloading it needs no pickle. Its per-post score is `p(positive) − p(negative)` in [−1, 1].
Pure: the caller passes the embedding function; nothing here touches files other than `save`/`load`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression

from engines.hype.lexicon import compound, lexicon_features

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
Embed = Callable[[list[str]], np.ndarray]

# VADER's own documented cut-offs for a 3-way label from the compound score.
VADER_POS, VADER_NEG = 0.05, -0.05
HASH_FEATURES = 2**18


def compound_labels(scores: np.ndarray) -> np.ndarray:
    """VADER's documented rule: compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral."""
    return np.where(scores >= VADER_POS, "positive", np.where(scores <= VADER_NEG, "negative", "neutral"))


_HASHER = HashingVectorizer(n_features=HASH_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm=None, lowercase=True, token_pattern=r"(?u)[@#]?\b\w[\w']*\b")


def ngram_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed word uni+bigram counts: a fixed-size vocabulary, so the model saves as arrays."""
    return _HASHER.transform(list(texts))


class SentimentPrediction(BaseModel):
    labels: list[str]
    scores: list[float]  # p(positive) − p(negative), in [−1, 1]


@dataclass
class SentimentClassifier:
    """Logistic regression over stacked features. `idf` re-weights the hashed n-grams (TF-IDF with
    sublinear tf); `dense_mean`/`dense_scale` standardise the embedding+lexicon block and weigh it
    against the n-grams (see `train_classifier`)."""

    idf: np.ndarray
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    coef: np.ndarray  # (3, n_features): rows follow LABELS
    intercept: np.ndarray

    def features(self, embeddings: np.ndarray, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = ngram_counts(texts)
        counts.data = 1.0 + np.log(counts.data)
        tfidf = counts.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1))).ravel()
        tfidf = sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ tfidf
        dense = (np.hstack([embeddings, lexicon_features(texts)]) - self.dense_mean) / self.dense_scale
        return sparse.hstack([tfidf, sparse.csr_matrix(dense.astype(np.float64))]).tocsr()

    def predict_proba(self, embeddings: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        logits = self.features(embeddings, texts) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, embeddings: np.ndarray, texts: Sequence[str]) -> SentimentPrediction:
        p = self.predict_proba(embeddings, texts)
        return SentimentPrediction(labels=[LABELS[i] for i in p.argmax(axis=1)], scores=(p[:, 2] - p[:, 0]).round(4).tolist())

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, idf=self.idf, dense_mean=self.dense_mean, dense_scale=self.dense_scale, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> "SentimentClassifier":
        with np.load(path, allow_pickle=False) as z:
            return cls(idf=z["idf"], dense_mean=z["dense_mean"], dense_scale=z["dense_scale"], coef=z["coef"], intercept=z["intercept"])


C = 1.0


def train_classifier(embeddings: np.ndarray, texts: Sequence[str], labels: Sequence[str], *, seed: int = 0) -> SentimentClassifier:
    """Fit on labelled posts with fixed hyper-parameters (nothing is tuned on any test split):
    C = 1 (scikit-learn's default L2 strength), unweighted classes, and the dense block scaled so
    that its standardised features together have the norm of one TF-IDF row (each gets
    1/√n_dense), so neither block drowns the other under the shared penalty."""
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown sentiment labels {unknown}; expected {list(LABELS)}")
    y = np.array([LABELS.index(label) for label in labels])
    counts = ngram_counts(texts)
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_.astype(np.float64)
    dense = np.hstack([embeddings, lexicon_features(texts)])
    mean, scale = dense.mean(axis=0), (dense.std(axis=0) + 1e-6) * np.sqrt(dense.shape[1])
    draft = SentimentClassifier(idf, mean, scale, np.zeros((3, 1)), np.zeros(3))
    model = LogisticRegression(C=C, max_iter=2000, tol=1e-4, random_state=seed).fit(draft.features(embeddings, texts), y)
    return SentimentClassifier(idf, mean, scale, model.coef_, model.intercept_)


def lexicon_prediction(texts: Sequence[str]) -> SentimentPrediction:
    """For posts the classifier has not reached, or when there is no classifier yet: the lexicon's
    compound score and VADER's cut-offs."""
    scores = compound(lexicon_features(texts)) if len(texts) else np.zeros(0)
    return SentimentPrediction(labels=compound_labels(scores).tolist(), scores=np.round(scores, 4).tolist())


def classify(model: SentimentClassifier, embed: Embed, texts: Sequence[str]) -> SentimentPrediction:
    """Labels and scores for raw texts: embeds them with `embed`, then applies the classifier."""
    texts = list(texts)
    if not texts:
        return SentimentPrediction(labels=[], scores=[])
    return model.predict(embed(texts), texts)
