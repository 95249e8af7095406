"""The vector store: Chroma collections embedded with our own model.

Embedded (`PersistentClient` under `CAESER_HOME/chroma`) unless `CAESER_CHROMA_URL` names a server.
Every collection is created with `CaeserEmbeddingFunction` and cosine space: Chroma's default
function would download an ONNX model at run time, and our vectors are unit length, so cosine is
the meaningful distance. Collections the product uses: `products`, `personas`.

A collection remembers which model embedded it (Chroma persists the function's config). Opening
it while a different model is in use would mix vector spaces (or dimensions), so `get_collection`
refuses with `EmbeddingModelChanged` unless asked to `recreate` it, which `caeser build` does.
"""
from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function
from pydantic import BaseModel

from memory.embeddings import embed_texts, embedding_model_info
from memory.settings import Settings, get_settings

logger = logging.getLogger(__name__)

PRODUCTS = "products"
PERSONAS = "personas"
DEFAULT_HTTP_PORT = 8000
UPSERT_BATCH = 1000
_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]$")

MetadataValue = str | int | float | bool


class InvalidCollectionName(ValueError):
    """A collection name Chroma would reject, caught before it reaches Chroma with a plainer message."""


class EmbeddingModelChanged(RuntimeError):
    """The collection was embedded by another model than the one in use now."""


class ChromaEndpoint(BaseModel):
    """Where `HttpClient` connects, parsed from `CAESER_CHROMA_URL`."""

    host: str
    port: int
    ssl: bool


class VectorHit(BaseModel):
    """One query result; `distance` is cosine distance (0 = same direction, 2 = opposite)."""

    id: str
    distance: float
    metadata: dict[str, Any]
    document: str | None


@register_embedding_function
class CaeserEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's hook into `memory.embeddings`: the model follows `settings.embedding_model`."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's parameter name
        return list(embed_texts(self._settings, list(input)))

    @staticmethod
    def name() -> str:
        return "caeser"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        info = embedding_model_info(self._settings)
        return {"setting": self._settings.embedding_model, "model": info.name, "kind": info.kind, "dim": info.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> CaeserEmbeddingFunction:
        """Used by Chroma when a collection is opened without a function: same model setting,
        everything else from the environment."""
        return CaeserEmbeddingFunction(get_settings().model_copy(update={"embedding_model": config["setting"]}))


def parse_chroma_url(url: str) -> ChromaEndpoint:
    """`http://host:8000`, `https://host` (port 443) or a bare `host[:port]` (http, port 8000)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"CAESER_CHROMA_URL must look like http(s)://host[:port], got {url!r}")
    if parts.path not in ("", "/"):
        raise ValueError(f"CAESER_CHROMA_URL must not have a path (Chroma serves at the root), got {url!r}")
    ssl = parts.scheme == "https"
    try:
        port = parts.port or (443 if ssl else DEFAULT_HTTP_PORT)
    except ValueError as exc:
        raise ValueError(f"CAESER_CHROMA_URL has a bad port: {url!r}") from exc
    return ChromaEndpoint(host=parts.hostname, port=port, ssl=ssl)


_CLIENT_LOCK = threading.Lock()


def get_chroma_client(settings: Settings) -> ClientAPI:
    """A server client when `chroma_url` is set, else the embedded store in the home directory.

    Made under a lock: Chroma shares one system per path between clients, and two threads creating
    the first client at once (a launch readout runs its engines in threads) could see that system
    before it had started ("'RustBindingsAPI' object has no attribute 'bindings'")."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with _CLIENT_LOCK:
        if settings.chroma_url:
            endpoint = parse_chroma_url(settings.chroma_url)
            return chromadb.HttpClient(host=endpoint.host, port=endpoint.port, ssl=endpoint.ssl, settings=chroma_settings)
        path = settings.home / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def validate_collection_name(name: str) -> str:
    """Chroma's rule: 3-512 characters of [a-zA-Z0-9._-], alphanumeric at both ends, no `..`,
    not an IPv4 address."""
    ok = bool(_NAME_RE.match(name)) and ".." not in name
    if ok:
        try:
            ipaddress.IPv4Address(name)
            ok = False
        except ValueError:
            pass
    if not ok:
        raise InvalidCollectionName(
            f"bad collection name {name!r}: use 3-512 characters of letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit, without '..' and not an IPv4 address"
        )
    return name


def get_collection(settings: Settings, name: str, recreate: bool = False) -> Collection:
    """The named collection (created if new) embedded by the model in use, cosine space."""
    validate_collection_name(name)
    client = get_chroma_client(settings)
    function = CaeserEmbeddingFunction(settings)
    if recreate and name in {c.name for c in client.list_collections()}:
        logger.info("vector store: dropping collection %s to rebuild it", name)
        client.delete_collection(name)
    collection = client.get_or_create_collection(
        name, embedding_function=function, configuration={"hnsw": {"space": "cosine"}}
    )
    stored = (collection.configuration_json.get("embedding_function") or {}).get("config") or {}
    current = function.get_config()
    if stored and (stored.get("model"), stored.get("dim")) != (current["model"], current["dim"]):
        raise EmbeddingModelChanged(
            f"collection {name!r} was embedded with {stored.get('model')} (dim {stored.get('dim')}) but "
            f"{current['model']} (dim {current['dim']}) is in use; run `caeser build` to re-embed it"
        )
    return collection


def upsert_texts(
    collection: Collection,
    ids: Sequence[str],
    texts: Sequence[str],
    metadatas: Sequence[Mapping[str, MetadataValue | None]] | None = None,
    batch_size: int = UPSERT_BATCH,
    embeddings: np.ndarray | None = None,
) -> int:
    """Insert or replace documents in batches (Chroma caps one call's size, and each batch is one
    embedding pass); returns the count. `embeddings` (one row per text, made by this collection's
    model) skips the embedding pass: a build embeds each distinct title once and in parallel.

    None values are dropped from metadata and empty metadata is sent as None, since Chroma
    rejects both.
    """
    if len(ids) != len(texts) or (metadatas is not None and len(metadatas) != len(ids)):
        raise ValueError("ids, texts and metadatas must have the same length")
    step = max(1, batch_size)
    for start in range(0, len(ids), step):
        end = start + step
        metas = None
        if metadatas is not None:
            cleaned = [{k: v for k, v in m.items() if v is not None} or None for m in metadatas[start:end]]
            metas = cleaned if any(cleaned) else None
        vectors = None if embeddings is None else embeddings[start:end]
        collection.upsert(ids=list(ids[start:end]), documents=list(texts[start:end]), metadatas=metas, embeddings=vectors)
    return len(ids)


def query_texts(collection: Collection, text: str, k: int, where: dict[str, Any] | None = None) -> list[VectorHit]:
    """The `k` nearest documents to `text`, nearest first, optionally filtered by metadata."""
    if k <= 0 or collection.count() == 0:
        return []
    result = collection.query(
        query_texts=[text], n_results=min(k, collection.count()), where=where,
        include=["distances", "metadatas", "documents"],
    )
    ids = result["ids"][0]
    distances = (result.get("distances") or [[]])[0]
    metadatas = (result.get("metadatas") or [[None] * len(ids)])[0]
    documents = (result.get("documents") or [[None] * len(ids)])[0]
    return [
        VectorHit(id=i, distance=float(d), metadata=dict(m or {}), document=doc)
        for i, d, m, doc in zip(ids, distances, metadatas, documents, strict=True)
    ]
