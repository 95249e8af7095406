"""The vector store: embedded Chroma in a temp home, collection rules, the server URL."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from memory import vectors
from memory.embeddings import builtin_corpus, own_model_dir, train_own_model
from memory.settings import Settings
from memory.vectors import (
    ChromaEndpoint,
    EmbeddingModelChanged,
    InvalidCollectionName,
    get_chroma_client,
    get_collection,
    parse_chroma_url,
    query_texts,
    upsert_texts,
)

PRODUCTS = [
    ("p1", "leather running shoes for men", {"category": "footwear", "price": 40.0}),
    ("p2", "women's canvas sneakers", {"category": "footwear", "price": 25.0}),
    ("p3", "stainless steel frying pan", {"category": "kitchen", "price": 18.5}),
    ("p4", "non-stick cookware set", {"category": "kitchen", "price": None}),
    ("p5", "dog food for puppies", {"category": "pets", "price": 12.0}),
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_own_model(builtin_corpus(), tmp_path_factory.mktemp("own") / "model", dim=32)


@pytest.fixture
def own(settings: Settings, tiny_model: Path) -> Settings:
    """Settings whose own model is already saved in the home, so nothing trains per test."""
    shutil.copytree(tiny_model, own_model_dir(settings))
    return settings.model_copy(update={"embedding_model": "own", "chroma_url": None})


def _fill(settings: Settings, name: str = "products") -> None:
    ids, texts, metas = zip(*PRODUCTS, strict=True)
    assert upsert_texts(get_collection(settings, name), ids, texts, metas, batch_size=2) == len(PRODUCTS)


def test_upsert_then_query_nearest_first_with_where_filter(own: Settings) -> None:
    _fill(own)
    collection = get_collection(own, "products")
    assert collection.count() == len(PRODUCTS)
    hits = query_texts(collection, "sneakers for men", k=2)
    assert [h.id for h in hits] == ["p1", "p2"] or [h.id for h in hits] == ["p2", "p1"]
    assert hits[0].distance <= hits[1].distance and hits[0].document in {"leather running shoes for men", "women's canvas sneakers"}
    kitchen = query_texts(collection, "sneakers for men", k=10, where={"category": "kitchen"})
    assert {h.id for h in kitchen} == {"p3", "p4"}
    assert next(h for h in kitchen if h.id == "p4").metadata == {"category": "kitchen"}


def test_upsert_replaces_by_id(own: Settings) -> None:
    _fill(own)
    collection = get_collection(own, "products")
    upsert_texts(collection, ["p5"], ["cat litter"], [{"category": "pets"}])
    assert collection.count() == len(PRODUCTS)
    assert query_texts(collection, "cat litter", k=1)[0].document == "cat litter"


def test_empty_collection_and_zero_k_give_no_hits(own: Settings) -> None:
    collection = get_collection(own, "personas")
    assert query_texts(collection, "anything", k=5) == []
    _fill(own, "personas")
    assert query_texts(collection, "anything", k=0) == []


def test_store_persists_across_client_recreation(own: Settings) -> None:
    _fill(own)
    SharedSystemClient.clear_system_cache()  # forget the in-process client: reopen from disk
    assert (own.home / "chroma").is_dir()
    reopened = get_chroma_client(own).get_collection("products")
    assert reopened.count() == len(PRODUCTS)
    assert query_texts(get_collection(own, "products"), "frying pan", k=1)[0].id == "p3"


def test_collection_embedded_by_another_model_is_refused_until_recreated(own: Settings, tmp_path: Path) -> None:
    _fill(own)
    other = train_own_model(builtin_corpus(), tmp_path / "other", dim=16)
    switched = own.model_copy(update={"embedding_model": str(other)})
    with pytest.raises(EmbeddingModelChanged, match="caeser build"):
        get_collection(switched, "products")
    fresh = get_collection(switched, "products", recreate=True)
    assert fresh.count() == 0


@pytest.mark.parametrize("name", ["ab", "-products", "products-", "pro..ducts", "prod ucts", "p/x", "192.168.0.1", "x" * 513])
def test_bad_collection_names_are_refused_clearly(own: Settings, name: str) -> None:
    with pytest.raises(InvalidCollectionName, match="3-512 characters"):
        get_collection(own, name)


def test_good_collection_names_pass() -> None:
    for name in ["products", "personas", "a.b_c-1", "x" * 512]:
        assert vectors.validate_collection_name(name) == name


def test_mismatched_lengths_are_refused(own: Settings) -> None:
    with pytest.raises(ValueError, match="same length"):
        upsert_texts(get_collection(own, "products"), ["a", "b"], ["only one"])


@pytest.mark.parametrize(("url", "expected"), [
    ("http://chroma.internal:8001", ChromaEndpoint(host="chroma.internal", port=8001, ssl=False)),
    ("https://vectors.example.com", ChromaEndpoint(host="vectors.example.com", port=443, ssl=True)),
    ("https://vectors.example.com:9443/", ChromaEndpoint(host="vectors.example.com", port=9443, ssl=True)),
    ("localhost", ChromaEndpoint(host="localhost", port=8000, ssl=False)),
    ("10.0.0.5:8000", ChromaEndpoint(host="10.0.0.5", port=8000, ssl=False)),
])
def test_chroma_url_parsing(url: str, expected: ChromaEndpoint) -> None:
    assert parse_chroma_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://host", "http://host/prefix", "http://host:notaport", "http://"])
def test_bad_chroma_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="CAESER_CHROMA_URL"):
        parse_chroma_url(url)


def test_chroma_url_selects_the_http_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(vectors.chromadb, "HttpClient", lambda **kwargs: calls.append(kwargs) or "http-client")
    remote = settings.model_copy(update={"chroma_url": "https://chroma.example.com:8443"})
    assert get_chroma_client(remote) == "http-client"
    assert {k: calls[0][k] for k in ("host", "port", "ssl")} == {"host": "chroma.example.com", "port": 8443, "ssl": True}
    assert not (settings.home / "chroma").exists()


def test_first_clients_made_at_once_in_threads_all_work(own: Settings) -> None:
    """A launch readout opens the store from several engine threads at once on a fresh home."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    SharedSystemClient.clear_system_cache()
    start = Barrier(6)

    def open_and_count(i: int) -> int:
        start.wait()
        return get_collection(own, f"race-{i}").count()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_and_count, range(6))) == [0] * 6
