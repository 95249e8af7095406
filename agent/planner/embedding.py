"""The planner's intent classifier with sentence embeddings from the configured model.

The fitted classifier is persisted under CAESER_HOME (`memory.artifacts`, keyed by the model, the
exemplars and the scikit-learn version), so a process start costs one small file read instead of
encoding the exemplars and fitting the regression (seconds on a small machine); it is also cached
per model for the life of the process. Without a usable model the n-gram classifier is used.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

from importlib.metadata import version

from agent.planner.intents import EXEMPLARS, IntentClassifier, default_classifier, embedded_classifier
from memory.artifacts import cached_arrays, fingerprint
from memory.settings import Settings

log = logging.getLogger(__name__)


def _cache_path(settings: Settings, model_name: str) -> Path:
    digest = fingerprint(model_name, EXEMPLARS.read_text(encoding="utf-8"), version("scikit-learn"))
    return settings.models_dir / f"planner-intents-{digest}.npz"


_CLASSIFIERS: dict[str, IntentClassifier] = {}
_LOCK = threading.Lock()


def _build(settings: Settings) -> IntentClassifier:
    from memory.embeddings import embed_texts, embedding_model_info

    try:
        info = embedding_model_info(settings)
        embed = lambda texts: embed_texts(settings, texts)  # noqa: E731
        arrays = cached_arrays(_cache_path(settings, f"{info.name}:{info.dim}"), lambda: embedded_classifier(embed).to_arrays(),
                              required=IntentClassifier.ARRAYS)
        return IntentClassifier.from_arrays(arrays, embed)
    except Exception as exc:  # no model can load: n-grams and rules still route well
        log.warning("planner runs without sentence embeddings (%s)", type(exc).__name__)
        return default_classifier()


def planner_classifier(settings: Settings) -> IntentClassifier:
    """One classifier per embedding model for the life of the process (the model is the only input
    that changes its answers; the cache's location is just where it was first built)."""
    with _LOCK:
        classifier = _CLASSIFIERS.get(settings.embedding_model)
        if classifier is None:
            classifier = _CLASSIFIERS[settings.embedding_model] = _build(settings)
        return classifier
