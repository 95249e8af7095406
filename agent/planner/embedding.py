"""The planner's intent classifier with sentence embeddings from the configured model.

The exemplars' vectors are cached under CAESER_HOME (keyed by model and exemplar content) so a
process start costs one small file read, not a re-encoding; the classifier itself is cached per
model for the life of the process. Without a usable model the n-gram classifier is used.
"""
from __future__ import annotations

import hashlib
import logging
import threading

import numpy as np

from agent.planner.intents import EXEMPLARS, IntentClassifier, default_classifier, embedded_classifier, exemplar_texts
from memory.settings import Settings

log = logging.getLogger(__name__)


def _cache_path(settings: Settings, model_name: str):
    digest = hashlib.sha256((model_name + "\n" + EXEMPLARS.read_text(encoding="utf-8")).encode()).hexdigest()[:16]
    return settings.models_dir / f"planner-exemplars-{digest}.npy"


_CLASSIFIERS: dict[str, IntentClassifier] = {}
_LOCK = threading.Lock()


def _build(settings: Settings) -> IntentClassifier:
    from memory.embeddings import embed_texts, embedding_model_info

    try:
        info = embedding_model_info(settings)
        embed = lambda texts: embed_texts(settings, texts)  # noqa: E731
        path = _cache_path(settings, f"{info.name}:{info.dim}")
        vectors = np.load(path) if path.exists() else None
        if vectors is None:
            vectors = embed(exemplar_texts())
            settings.ensure_home()
            np.save(path, vectors)
        return embedded_classifier(embed, vectors)
    except Exception as exc:  # no model can load: n-grams and rules still route well
        log.warning("planner runs without sentence embeddings (%s)", type(exc).__name__)
        return default_classifier()


def planner_classifier(settings: Settings) -> IntentClassifier:
    """One classifier per embedding model for the life of the process (the model is the only input
    that changes its answers; the vector cache's location is just where it was first built)."""
    with _LOCK:
        classifier = _CLASSIFIERS.get(settings.embedding_model)
        if classifier is None:
            classifier = _CLASSIFIERS[settings.embedding_model] = _build(settings)
        return classifier
