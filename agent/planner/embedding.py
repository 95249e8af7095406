"""The planner's intent classifier with sentence embeddings from the configured model.

The exemplars' vectors are cached under CAESER_HOME (keyed by model and exemplar content) so a
process start costs one small file read, not a re-encoding; the classifier itself is cached per
model for the life of the process. Without a usable model the n-gram classifier is used.
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

import numpy as np

from agent.planner.intents import EXEMPLARS, IntentClassifier, default_classifier, embedded_classifier, exemplar_texts
from memory.settings import Settings

log = logging.getLogger(__name__)


def _cache_path(settings: Settings, model_name: str):
    digest = hashlib.sha256((model_name + "\n" + EXEMPLARS.read_text(encoding="utf-8")).encode()).hexdigest()[:16]
    return settings.models_dir / f"planner-exemplars-{digest}.npy"


@lru_cache(maxsize=4)
def _classifier_for(model_setting: str, home: str) -> IntentClassifier:
    from memory.embeddings import embed_texts, embedding_model_info

    settings = Settings(CAESER_HOME=home, CAESER_EMBEDDING_MODEL=model_setting, _env_file=None)
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
    return _classifier_for(settings.embedding_model, str(settings.home.resolve()))
