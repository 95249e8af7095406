"""The Qloo side of the affinity tools: one client per process (so its breaker remembers failures),
the audience translated to Qloo's signals, and the async client called from sync tools.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

from engines.affinity.qloo import QlooClient, QlooEntity, age_buckets
from memory.qloo_cache import SqlQlooCache
from memory.settings import Settings
from tools.schemas import Audience

T = TypeVar("T")

# product domain words → Qloo entity types (the domains only Qloo can answer are the non-survey ones)
QLOO_DOMAINS = {
    "music": "artist", "artists": "artist", "artist": "artist", "film": "movie", "films": "movie", "movies": "movie", "movie": "movie",
    "brands": "brand", "brand": "brand", "books": "book", "book": "book", "tv": "tv_show", "tv shows": "tv_show", "tv_show": "tv_show",
    "podcasts": "podcast", "podcast": "podcast", "games": "videogame", "video games": "videogame", "videogames": "videogame",
    "places": "place", "restaurants": "place", "destinations": "destination", "travel": "destination", "people": "person",
}

_CLIENTS: dict[str, QlooClient] = {}


def qloo_client(settings: Settings) -> QlooClient | None:
    """The process's client for the configured base URL, or None without a key."""
    if settings.qloo_api_key is None:
        return None
    client = _CLIENTS.get(settings.qloo_base_url)
    if client is None:
        client = QlooClient(settings.qloo_base_url, settings.qloo_api_key.get_secret_value(), cache=SqlQlooCache(settings))
        _CLIENTS[settings.qloo_base_url] = client
    return client


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when an event loop is already running (MCP, Discord)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def qloo_affinity(client: QlooClient, entity_type: str, audience: Audience, seeds: list[str], take: int) -> tuple[list[QlooEntity], list[str]]:
    """(ranked entities, seed texts Qloo knows nothing by). Each seed is resolved to an id before it is
    used as a signal: a tag (`/v2/tags`, "sneakers") if one matches, else an entity (`/search`, "Nike")."""
    tag_ids, entity_ids, unresolved = [], [], []
    for seed in seeds:
        if tags := await client.tags(seed, take=1):
            tag_ids.append(tags[0].id)
        elif found := await client.search(seed, take=1):
            entity_ids.append(found[0].entity_id)
        else:
            unresolved.append(seed)
    age = age_buckets(audience.age_min, audience.age_max) if audience.age_min is not None or audience.age_max is not None else None
    location = audience.region if audience.region not in (None, "Global") else None
    entities = await client.insights(entity_type, age=age, gender=audience.gender, location=location, tag_ids=tag_ids, entity_ids=entity_ids, take=take)
    return entities, unresolved
