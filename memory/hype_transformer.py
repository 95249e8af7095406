"""The slow half of two-speed sentiment: the fine-tuned transformer on disk, and the stored posts it re-scores.

How a stored post gets its sentiment (docs/hype.md, "Two speeds"):
- at call time, a post nobody has scored gets the fast model (`memory.hype_sentiment`, v6: ≥ 2,000
  posts/s on one core), stored with `scored_by` = v6's name;
- the build's `hype-transformer` step fine-tunes the packaged all-MiniLM-L6-v2 on the multi-domain
  labelled posts (`engines.hype.transformer_sentiment`, ~12 min on 2 cores) and re-scores every
  stored post it covers with v6 and the transformer averaged (`averaged`), stored with `scored_by` =
  `TRANSFORMER_NAME`. A server starts that step in the background, at low priority, when it is
  missing; posts imported after it keep v6's score until the step runs again.
Posts of an `EXPERT_SOURCES` source (the airline posts) keep v6 with its in-domain expert (0.782
airline macro-F1); the transformer is trained without them, so `caeser eval sentiment` can measure
it on the airline split honestly, but the expert serves those posts better.

The model is an `.npz` under `settings.models_dir` (the encoder's arrays, its config and tokenizer as
JSON text, a fingerprint of what it was trained from), written atomically and loaded once per process.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from engines.hype.sentiment import SentimentModel, source_weights
from engines.hype.transformer_sentiment import BASE_MODEL, TRANSFORMER_NAME, FineTuneSettings, TransformerSentiment, averaged, fine_tune
from memory.artifacts import files_fingerprint, load_model, save_arrays, saved_key
from memory.datadir import SENTIMENT_TRAIN, load_labelled_sentiment
from memory.embeddings import _packaged_minilm
from memory.hype_sentiment import EXPERT_SOURCES, SEED, SOURCE_FACTORS, Report, TrainReport, load_classifier
from memory.posts import save_sentiment
from memory.settings import Settings

TRANSFORMER_FILE = "hype_sentiment_minilm_v1.npz"
WEIGHT_PREFIX = "w:"
RESCORE_CHUNK = 2_000
_CACHE: dict[Path, tuple[float, TransformerSentiment]] = {}


def recipe() -> FineTuneSettings:
    """The measured recipe, on this machine's cores (up to 8; the result depends on the count slightly)."""
    return FineTuneSettings(threads=max(1, min(8, os.cpu_count() or 1)))


def transformer_path(settings: Settings) -> Path:
    return settings.models_dir / TRANSFORMER_FILE


def _base_dir() -> Path | None:
    return _packaged_minilm()


def _data_key(settings: Settings, base: Path) -> str:
    """Changes with the training file, the base model's weights or the recipe."""
    return files_fingerprint([settings.data_dir / SENTIMENT_TRAIN, base / "model.safetensors"]) + ":" + recipe().model_dump_json(exclude={"threads"})


def transformer_state(settings: Settings) -> Literal["built", "stale", "missing", "no_data"]:
    """`no_data` without the training file or the packaged base model (the `minilm` extra); else
    whether the saved model was trained from them as they are now (one small member of the .npz read)."""
    base = _base_dir()
    if base is None or not (settings.data_dir / SENTIMENT_TRAIN).is_file():
        return "no_data"
    key = saved_key(transformer_path(settings))
    return "missing" if key is None else "built" if key == _data_key(settings, base) else "stale"


def load_transformer(settings: Settings) -> TransformerSentiment | None:
    """The saved model (cached until its file changes), or None when there is none or it does not load."""
    return load_model(transformer_path(settings), _CACHE, _parse, "stored posts keep the fast model's scores")


def _parse(arrays: dict[str, np.ndarray]) -> TransformerSentiment:
    return TransformerSentiment(json.loads(str(arrays["config"])), str(arrays["tokenizer"]),
                                {k.removeprefix(WEIGHT_PREFIX): v for k, v in arrays.items() if k.startswith(WEIGHT_PREFIX)}, int(arrays["max_pieces"]))


def base_model(base: Path) -> TransformerSentiment:
    """The packaged encoder, headless, ready for `fine_tune`."""
    from safetensors.numpy import load_file

    return TransformerSentiment(json.loads((base / "config.json").read_text(encoding="utf-8")), (base / "tokenizer.json").read_text(encoding="utf-8"),
                                load_file(str(base / "model.safetensors")))


def training_posts(settings: Settings) -> pd.DataFrame:
    """`text, label, source, weight`: the multi-domain posts with the fast model's row weights
    (`source_weights` with `SOURCE_FACTORS`); no airline posts (see the module docstring)."""
    posts = load_labelled_sentiment(settings.data_dir, SENTIMENT_TRAIN)
    return posts.assign(weight=source_weights(posts["source"].tolist(), posts["label"].tolist(), SOURCE_FACTORS))[["text", "label", "source", "weight"]]


def train_transformer(settings: Settings, *, force: bool = False, report: Report | None = None) -> TrainReport:
    """Fine-tune and save, unless the saved model was trained from the same files and recipe
    (`force` retrains anyway). Raises `FileNotFoundError` naming what is missing."""
    base = _base_dir()
    if base is None:
        raise FileNotFoundError(f"the packaged {BASE_MODEL} (install the `minilm` extra)")
    path = transformer_path(settings)
    if not force and transformer_state(settings) == "built" and load_transformer(settings) is not None:
        return TrainReport(model=TRANSFORMER_NAME, trained=False, posts=0, sources=0, seconds=0.0, bytes=path.stat().st_size, path=str(path))
    posts = training_posts(settings)
    settings_used = recipe()
    start = time.perf_counter()
    model = fine_tune(base_model(base), posts["text"].tolist(), posts["label"].tolist(), posts["weight"].to_numpy(), settings_used, seed=SEED, report=report)
    seconds = time.perf_counter() - start
    drawn = min(settings_used.posts, len(posts))
    save_arrays(path, {**{WEIGHT_PREFIX + k: v for k, v in model.weights.items()}, "config": np.array(json.dumps(model.config)),
                       "tokenizer": np.array(model.tokenizer_json), "max_pieces": np.array(model.max_pieces),
                       "data_key": np.array(_data_key(settings, base))})
    return TrainReport(model=TRANSFORMER_NAME, trained=True, posts=drawn, sources=int(posts["source"].nunique()), seconds=round(seconds, 1),
                       bytes=path.stat().st_size, path=str(path))


def covered(frame: pd.DataFrame) -> np.ndarray:
    """Which rows the transformer pass scores: every source but the expert sources."""
    return ~frame["source"].isin(EXPERT_SOURCES).to_numpy()


def two_speed_scores(fast: SentimentModel, transformer: TransformerSentiment, texts: list[str]) -> tuple[list[float], list[str]]:
    """v6 (no source: these are not expert posts) and the transformer, averaged: scores and labels."""
    pred = averaged(fast.predict_proba(texts), transformer.predict_proba(texts))
    return pred.scores, pred.labels


def rescore_with_transformer(settings: Settings, frame: pd.DataFrame, report: Report | None = None) -> int:
    """Score the covered rows of `frame` that the transformer has not scored yet, `RESCORE_CHUNK` at a
    time (each chunk stored, so a killed pass keeps what it did). Returns how many it scored (0
    without both models)."""
    fast, transformer = load_classifier(settings), load_transformer(settings)
    if fast is None or transformer is None:
        return 0
    todo = frame.loc[covered(frame) & (frame["scored_by"] != TRANSFORMER_NAME).to_numpy()]
    for start in range(0, len(todo), RESCORE_CHUNK):
        chunk = todo.iloc[start:start + RESCORE_CHUNK]
        scores, labels = two_speed_scores(fast, transformer, chunk["text"].astype(str).tolist())
        save_sentiment(settings, chunk["id"].tolist(), scores, labels, TRANSFORMER_NAME)
        if report is not None:
            report((start + len(chunk)) / len(todo), f"re-scored {start + len(chunk):,} of {len(todo):,} stored posts with the transformer")
    return len(todo)

