"""Post sentiment that carries across brands: one linear model over word n-grams and VADER lexicon
features, trained on labelled posts from many domains.

Why this shape (measured on TweetEval's validation split, docs/hype.md has the table): a bag of
words trained on one domain does not carry to another (the airline-only model lost to VADER on the
SXSW brand posts), and more rows alone do not fix it (TF-IDF + LR on all 140k multi-domain posts:
macro-recall 0.57 on TweetEval validation). What carried was (1) the lexicon features
(`engines.hype.lexicon`: VADER's valences with negation, emoji, '!'/'?') next to the n-grams,
+0.06; (2) weighing each training source by 1/√(its rows) and then balancing the classes, so that
neither Reddit nor general Twitter nor the majority class sets the model's prior, +0.05; (3)
negation-scoped word tokens ("not good" → `not neg_good`), +0.01; (4) a per-source factor on top of
that (`source_factors`; the caller's choice, `memory.hype_sentiment.SOURCE_FACTORS`: the SemEval
general-Twitter posts ×2): the linear part +0.020 on TweetEval validation and +0.013 macro-F1 on
held-out airline posts, the whole model +0.010 and +0.005. Text is normalised first
(`normalise`: links, @mentions, HTML entities, stretched letters) so that posts from different
sources look alike. Character 2–5-grams were tried and dropped (0.676 with them vs 0.690).

Why not MiniLM sentence embeddings: the hype path must score ≥ 2,000 posts/s on one core, and a
6-layer transformer reads about 60 posts/s per core on this machine. What carries MiniLM's
pretrained knowledge instead is a small CNN over its *static* wordpiece vectors
(`engines.hype.wordpiece_cnn`), trained on the same posts and weights: the model's probabilities
are `(1 − CNN_WEIGHT)·p(linear) + CNN_WEIGHT·p(CNN)` (TweetEval validation macro-recall 0.699 → 0.710
with the SemEval factor; 0.685 → 0.698 before it). Without the
wordpiece table (the `minilm` extra not installed) the model is the linear part alone.

Per-source experts (v6): one set of weights serves thirteen sources whose "neutral" differs
(airline: questions to the airline; Reddit: no emotion), and no weighting of the sources reached
the airline target without costing the other domains. For a training source whose posts are also
stored and scored (the caller names them: `memory.hype_sentiment.EXPERT_SOURCES`, the airline
posts), a `SourceExpert` — a second regression over the same features, fitted on that source's
posts alone (classes balanced, `EXPERT_C`) — is averaged in with `EXPERT_WEIGHT` for posts that
carry that source. Posts of any other source, or of none, get exactly the general model, so the
experts cannot cost other brands anything. Measured on the airline validation part (docs/hype.md):
macro-F1 0.735 → 0.770. Tried and dropped for v6: a class-prior correction by the source's label
distribution (p·(π_s/⅓)^λ: every λ > 0 lowered macro-F1), per-source intercepts and per-source
copies of the n-gram block inside the one regression (both cost TweetEval validation 0.01).

The linear part is multinomial logistic regression, stored as plain arrays (no pickle; only the
hashed columns seen in training are kept, so the file stays small). A post's score is
`p(positive) − p(negative)` in [−1, 1]. Pure: nothing here touches files.
"""
from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import mmh3
import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy import sparse

from engines.hype.lexicon import FEATURES, compound, lexicon_features, tokens
from engines.hype.wordpiece_cnn import EPOCHS as CNN_EPOCHS
from engines.hype.wordpiece_cnn import WordpieceCNN, Wordpieces, softmax, train_cnn

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_NAME = "caeser-sentiment-v6"
CNN_WEIGHT = 0.3  # chosen on TweetEval validation: 0.2–0.4 all gave 0.709–0.713 macro-recall (v4: 0.698–0.707)
CNN_PREFIX = "cnn_"
EXPERT_PREFIX = "expert{}_"
# Chosen on the airline validation part (docs/hype.md): C 3–30 and weights 0.5–0.7 all gave
# 0.764–0.770 macro-F1; 0.5 and 10 sit inside that plateau. A source's few thousand posts want
# less L2 than the general model's 150k (C = 1: 0.759).
EXPERT_WEIGHT = 0.5
EXPERT_C = 10.0

# VADER's own documented cut-offs for a 3-way label from the compound score.
VADER_POS, VADER_NEG = 0.05, -0.05
WORD_BITS = 20  # hash width: 2^20 columns (tests train with narrower ones)
C = 1.0  # scikit-learn's default L2 strength (not tuned)

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_STRETCH = re.compile(r"(\w)\1{2,}")


def normalise(text: str) -> str:
    """One surface for posts from every source: HTML entities decoded (`&amp;` → `&`), links → `http`,
    @mentions → `@user` (TweetEval's anonymisation), letters repeated 3+ times cut to two ("soooo" → "soo")."""
    return _STRETCH.sub(r"\1\1", _MENTION.sub("@user", _URL.sub(" http ", html.unescape(text))))


def compound_labels(scores: np.ndarray) -> np.ndarray:
    """VADER's documented rule: compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral."""
    return np.where(scores >= VADER_POS, "positive", np.where(scores <= VADER_NEG, "negative", "neutral"))


@lru_cache(maxsize=1 << 16)
def _column(feature: str, n_columns: int) -> int:
    return abs(mmh3.hash(feature, 0, True)) % n_columns


def ngram_counts(texts: Sequence[str], bits: int = WORD_BITS) -> sparse.csr_matrix:
    """Hashed counts of negation-scoped word 1–2-grams (`lexicon.tokens`, bigrams joined by a space):
    a fixed-size vocabulary, so the model saves as arrays. Texts must be `normalise`d.

    The column of a feature is |MurmurHash3-32(UTF-8, seed 0)| mod 2^bits — scikit-learn's
    `HashingVectorizer(ngram_range=(1, 2), alternate_sign=False, norm=None)`, column for column
    (tests check it), computed here so that scoring posts does not import scikit-learn (~1 s per
    process)."""
    n_columns = 2**bits
    indptr, indices = [0], []
    for text in texts:
        words = tokens(text)
        indices.extend(_column(w, n_columns) for w in words)
        indices.extend(_column(f"{a} {b}", n_columns) for a, b in zip(words, words[1:]))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    counts = sparse.csr_matrix((data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, n_columns))
    counts.sum_duplicates()
    return counts


def _unit_rows(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
    return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ m


def _kept_weights(full_coef: np.ndarray, columns: np.ndarray, n_hashed: int) -> np.ndarray:
    """A fitted (labels × features) matrix as stored: only the hashed `columns` that carry weight,
    then the lexicon block."""
    return np.hstack([full_coef[:, columns], full_coef[:, n_hashed:]]).astype(np.float32)


def _dense_weights(columns: np.ndarray, coef: np.ndarray, n_hashed: int) -> np.ndarray:
    """One dense (features × labels) matrix: the kept hashed columns spread back to their positions,
    then the lexicon block (~12 MB in memory; files keep only the kept columns)."""
    weights = np.zeros((n_hashed + len(FEATURES), len(LABELS)), dtype=np.float32)
    weights[columns] = coef[:, : len(columns)].T
    weights[n_hashed:] = coef[:, len(columns):].T
    return weights


@dataclass
class SourceExpert:
    """A regression over the general model's features fitted on one source's posts alone, for posts
    of that source. `columns`/`coef`/`intercept` as in `SentimentModel`."""

    columns: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}columns": self.columns, f"{prefix}coef": self.coef, f"{prefix}intercept": self.intercept}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> "SourceExpert":
        return cls(arrays[f"{prefix}columns"], arrays[f"{prefix}coef"], arrays[f"{prefix}intercept"])


class SentimentPrediction(BaseModel):
    labels: list[str]
    scores: list[float]  # p(positive) − p(negative), in [−1, 1]


def prediction_from_proba(p: np.ndarray) -> SentimentPrediction:
    """(n, 3) probabilities in `LABELS` order → the likeliest label and the score p(positive) − p(negative)."""
    return SentimentPrediction(labels=[LABELS[i] for i in p.argmax(axis=1)], scores=(p[:, 2] - p[:, 0]).round(4).tolist())


@dataclass
class SentimentModel:
    """Logistic regression over `[word n-gram TF-IDF ‖ standardised lexicon features]`.
    `idf` re-weights the hashed n-grams (sublinear tf, rows scaled to unit length);
    `lex_mean`/`lex_scale` standardise the lexicon block. `columns` lists the hashed columns that
    carry weight (`coef` has one row per label, one column per entry of `columns`, then one per
    lexicon feature). `experts` maps a source to its `SourceExpert` (each another ~12 MB dense
    matrix in memory), used by `predict` for posts given with that source."""

    idf: np.ndarray
    lex_mean: np.ndarray
    lex_scale: np.ndarray
    columns: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    word_bits: int = WORD_BITS
    trained_on: str = ""
    cnn: WordpieceCNN | None = None
    experts: dict[str, SourceExpert] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._weights = _dense_weights(self.columns, self.coef, self.idf.size)
        self._expert_weights = {source: _dense_weights(e.columns, e.coef, self.idf.size) for source, e in self.experts.items()}

    def _features(self, normalised: list[str]) -> sparse.csr_matrix:
        counts = ngram_counts(normalised, self.word_bits)
        counts.data = 1.0 + np.log(counts.data)
        tfidf = _unit_rows(counts.multiply(self.idf).tocsr())
        lexical = (lexicon_features(normalised) - self.lex_mean) / self.lex_scale
        return sparse.hstack([tfidf, sparse.csr_matrix(lexical.astype(np.float32))], format="csr")

    def predict_proba(self, texts: Sequence[str], sources: Sequence[str] | None = None) -> np.ndarray:
        """(posts, 3) probabilities. `sources` (one per text, or None when unknown) sends the posts of
        a source with an expert to it as well; every other post gets the general model alone."""
        if sources is not None and len(sources) != len(texts):
            raise ValueError(f"texts and sources differ in length ({len(texts)}, {len(sources)})")
        normalised = [normalise(t) for t in texts]
        features = self._features(normalised)
        p = softmax(np.asarray(features @ self._weights) + self.intercept)
        if self.cnn is not None:
            p = (1.0 - CNN_WEIGHT) * p + CNN_WEIGHT * self.cnn.predict_proba(normalised)
        if sources is None or not self.experts:
            return p
        source_of = np.asarray(list(sources), dtype=object)
        for source, expert in self.experts.items():
            rows = np.flatnonzero(source_of == source)
            if rows.size:
                expert_p = softmax(np.asarray(features[rows] @ self._expert_weights[source]) + expert.intercept)
                p[rows] = (1.0 - EXPERT_WEIGHT) * p[rows] + EXPERT_WEIGHT * expert_p
        return p

    def predict(self, texts: Sequence[str], sources: Sequence[str] | None = None) -> SentimentPrediction:
        texts = list(texts)
        if not texts:
            return SentimentPrediction(labels=[], scores=[])
        return prediction_from_proba(self.predict_proba(texts, sources))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"idf": self.idf, "lex_mean": self.lex_mean, "lex_scale": self.lex_scale, "columns": self.columns, "coef": self.coef,
                "intercept": self.intercept, "bits": np.array([self.word_bits]), "trained_on": np.array(self.trained_on), "name": np.array(MODEL_NAME),
                **(self.cnn.to_arrays(CNN_PREFIX) if self.cnn is not None else {}), "expert_sources": np.array(list(self.experts), dtype=str),
                **{k: v for i, e in enumerate(self.experts.values()) for k, v in e.to_arrays(EXPERT_PREFIX.format(i)).items()}}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "SentimentModel":
        """The inverse of `to_arrays`; a `ValueError` for arrays of another layout or model."""
        if str(arrays.get("name", "")) != MODEL_NAME:
            raise ValueError(f"not a {MODEL_NAME} model")
        word_bits = int(arrays["bits"][0])
        if arrays["idf"].shape != (2**word_bits,) or arrays["lex_mean"].shape != (len(FEATURES),):
            raise ValueError(f"a {MODEL_NAME} model with arrays of the wrong shape")
        cnn = WordpieceCNN.from_arrays(arrays, CNN_PREFIX) if f"{CNN_PREFIX}table" in arrays else None
        experts = {str(source): SourceExpert.from_arrays(arrays, EXPERT_PREFIX.format(i)) for i, source in enumerate(arrays.get("expert_sources", []))}
        return cls(idf=arrays["idf"], lex_mean=arrays["lex_mean"], lex_scale=arrays["lex_scale"], columns=arrays["columns"], coef=arrays["coef"],
                   intercept=arrays["intercept"], word_bits=word_bits, trained_on=str(arrays["trained_on"]), cnn=cnn, experts=experts)

    def describe(self) -> str:
        """The model's parts in words, for the sentence naming the method."""
        experts = f" + an expert for {', '.join(self.experts)} posts" if self.experts else ""
        return "word n-grams + VADER lexicon" + (" + a CNN over MiniLM wordpiece vectors" if self.cnn is not None else "") + experts


def source_weights(sources: Sequence[str], labels: Sequence[str], factors: Mapping[str, float] | None = None) -> np.ndarray:
    """Per-row training weights: 1/√(rows of the row's source), so a large source counts more than
    a small one but far less than its size (Reddit's 44k rows weigh √44k/√3k ≈ 4× the 3k
    hand-rated tweets, not 14×), times the source's entry in `factors` (1 when absent); then each
    class's weights are scaled to one third of the total, so the model assumes no class prior.
    Mean weight 1."""
    src = pd.Series(list(sources))
    factor = src.map(lambda s: (factors or {}).get(s, 1.0)).to_numpy(dtype=float)
    w = factor / np.sqrt(src.map(src.value_counts()).to_numpy(dtype=float))
    y = np.array([LABELS.index(label) for label in labels])
    per_class = np.bincount(y, weights=w, minlength=len(LABELS))
    w = w * (per_class.sum() / len(LABELS) / np.maximum(per_class[y], 1e-12))
    return w / w.mean()


def train_sentiment(texts: Sequence[str], labels: Sequence[str], sources: Sequence[str], *, seed: int = 0, word_bits: int = WORD_BITS,
                    wordpieces: Wordpieces | None = None, cnn_epochs: float = CNN_EPOCHS, source_factors: Mapping[str, float] | None = None,
                    expert_sources: Sequence[str] = ()) -> SentimentModel:
    """Fit on labelled posts from several sources with fixed settings chosen on TweetEval's
    validation split (never a test split): `source_weights` (with `source_factors`), C = 1, lexicon block standardised and
    scaled by 1/√(its width) so that together it has the norm of the unit-length TF-IDF row. With
    `wordpieces` (MiniLM's table and tokenizer) the wordpiece CNN is trained too, on the same
    weights (`cnn_epochs` passes; tests use fewer). Each of `expert_sources` whose posts carry all
    three labels gets a `SourceExpert` (a source missing a label gets none: it could not say that label)."""
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown sentiment labels {unknown}; expected {list(LABELS)}")
    if not (len(texts) == len(labels) == len(sources)):
        raise ValueError(f"texts, labels and sources differ in length ({len(texts)}, {len(labels)}, {len(sources)})")
    normalised = [normalise(t) for t in texts]
    counts = ngram_counts(normalised, word_bits)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0  # scikit-learn's smoothed idf
    lexical = lexicon_features(normalised)
    mean, scale = lexical.mean(axis=0), (lexical.std(axis=0) + 1e-6) * np.sqrt(lexical.shape[1])
    draft = SentimentModel(idf, mean, scale, np.zeros(0, dtype=np.int64), np.zeros((3, len(FEATURES))), np.zeros(3), word_bits)
    from sklearn.linear_model import LogisticRegression  # training only: scoring never imports scikit-learn

    y = np.array([LABELS.index(label) for label in labels])
    weights = source_weights(sources, labels, source_factors)
    # The CNN trains in a second thread while the regression fits (both release the GIL in their
    # numeric work, and neither depends on the other): on two cores the build waits for the longer
    # of the two fits, not their sum.
    with ThreadPoolExecutor(max_workers=1) as pool:
        cnn_job = pool.submit(train_cnn, normalised, y, weights, wordpieces, seed=seed, epochs=cnn_epochs) if wordpieces is not None else None
        features = draft._features(normalised)
        fit = LogisticRegression(C=C, max_iter=300, tol=1e-3, random_state=seed).fit(features, y, sample_weight=weights)
        experts = {source: _fit_expert(features, counts, y, np.flatnonzero(np.asarray(sources) == source), seed) for source in expert_sources
                   if set(y[np.asarray(sources) == source]) == set(range(len(LABELS)))}
        cnn = cnn_job.result() if cnn_job is not None else None
    columns = np.flatnonzero(df)
    coef = _kept_weights(fit.coef_, columns, idf.size)
    trained_on = f"{len(texts)} posts from {len(set(sources))} sources"
    return SentimentModel(idf.astype(np.float32), mean, scale, columns.astype(np.int32), coef, fit.intercept_, word_bits, trained_on, cnn, experts)


def _fit_expert(features: sparse.csr_matrix, counts: sparse.csr_matrix, y: np.ndarray, rows: np.ndarray, seed: int) -> SourceExpert:
    """The regression on one source's rows of the general features, classes balanced (the general
    model assumes no class prior either); only the hashed columns those rows use carry weight."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=EXPERT_C, max_iter=1000, class_weight="balanced", random_state=seed).fit(features[rows], y[rows])
    n_hashed = counts.shape[1]
    columns = np.flatnonzero(np.bincount(counts[rows].indices, minlength=n_hashed))
    return SourceExpert(columns.astype(np.int32), _kept_weights(fit.coef_, columns, n_hashed), fit.intercept_)


def lexicon_prediction(texts: Sequence[str]) -> SentimentPrediction:
    """When there is no trained model: the lexicon's compound score and VADER's cut-offs."""
    scores = compound(lexicon_features(texts)) if len(texts) else np.zeros(0)
    return SentimentPrediction(labels=compound_labels(scores).tolist(), scores=np.round(scores, 4).tolist())
