"""The trained sentiment classifier on disk, and scoring stored posts with it.

Training uses every deduplicated airline post (the labelled set we have); `evals/sentiment.py`
trains its own copy on the 80 % split to measure it. The model is an `.npz` of arrays under
`settings.models_dir`, loaded once per process and reloaded when the file changes; a file that does
not load (an older feature layout, a truncated write) counts as no model, and `caeser build`
retrains it.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from engines.hype.sentiment import SentimentClassifier, classify, lexicon_prediction, train_classifier
from memory.datadir import load_airline_tweets
from memory.embeddings import embed_texts
from memory.posts import save_sentiment
from memory.settings import Settings

logger = logging.getLogger(__name__)
MODEL_FILE = "hype_sentiment_v2.npz"  # v2: lexicon features from engines.hype.lexicon
SEED = 0
_CACHE: dict[Path, tuple[float, SentimentClassifier]] = {}


def model_path(settings: Settings) -> Path:
    return settings.models_dir / MODEL_FILE


def load_classifier(settings: Settings) -> SentimentClassifier | None:
    path = model_path(settings)
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached is None or cached[0] != mtime:
        try:
            model = SentimentClassifier.load(path)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("sentiment model %s does not load (%s); posts get lexicon scores until `caeser build`", path, exc)
            return None
        cached = (mtime, model)
        _CACHE[path] = cached
    return cached[1]


def train_and_save(settings: Settings) -> SentimentClassifier:
    """Train on all airline posts and save; returns the model."""
    df = load_airline_tweets(settings.data_dir)
    texts = df["text"].astype(str).tolist()
    model = train_classifier(embed_texts(settings, texts), texts, df["airline_sentiment"].tolist(), seed=SEED)
    model.save(model_path(settings))
    return model


def score_unscored(settings: Settings, frame: pd.DataFrame, *, store_limit: int | None = None) -> tuple[pd.DataFrame, str]:
    """Fill `sentiment`/`label` where missing. With a trained classifier, up to `store_limit` posts
    (all when None) are classified and stored; anything left gets the lexicon's compound score and
    VADER's rule label for this call only (not stored, so the classifier replaces it later). Returns the frame
    and a sentence naming the method, for the tool's `source`."""
    missing = frame["sentiment"].isna().to_numpy()
    model = load_classifier(settings)
    classified = 0
    if model is not None and missing.any():
        idx = np.nonzero(missing)[0][: store_limit if store_limit is not None else None]
        pred = classify(model, lambda texts: embed_texts(settings, texts), frame["text"].iloc[idx].tolist())
        frame.loc[frame.index[idx], "sentiment"] = pred.scores
        frame.loc[frame.index[idx], "label"] = pred.labels
        save_sentiment(settings, frame["id"].iloc[idx].tolist(), pred.scores, pred.labels)
        classified = len(idx)
        missing = frame["sentiment"].isna().to_numpy()
    if missing.any():
        lexical = lexicon_prediction(frame["text"][missing].tolist())
        frame.loc[missing, "sentiment"] = lexical.scores
        frame.loc[missing, "label"] = lexical.labels
    frame["sentiment"] = frame["sentiment"].astype(float)
    if model is None:
        return frame, "sentiment by the VADER lexicon (the classifier is not built yet: `caeser build`)"
    lexicon = int(missing.sum())
    tail = f"; {lexicon} posts not yet classified scored by the VADER lexicon" if lexicon else ""
    return frame, f"sentiment by the trained classifier (sentence embedding + VADER lexicon + n-grams){tail}" + (f"; {classified} newly classified" if classified else "")
