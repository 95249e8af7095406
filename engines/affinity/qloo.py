"""A client for Qloo's Insights API v2 that cannot send a silently ignored parameter.

WHY each piece:
- Qloo ignores unknown parameter names without an error, so a typo would return plausible but
  unfiltered results: every call's parameter names are checked against the documented set of its
  path before anything is sent (`QlooParamError`), and enumerated values (entity types, age buckets,
  gender) are checked too.
- Free text is never sent as an id: `/search` and `/v2/tags` resolve names to ids first.
- 429 and 5xx are retried with exponential backoff (base·2^attempt seconds, capped), honouring a
  `Retry-After` header in seconds when present; other 4xx are the caller's fault and are not
  retried (400 on `signal.location.query` means the place is unknown: `QlooUnknownLocation`).
- A circuit breaker opens after `failure_threshold` consecutive failed calls and refuses calls
  for `cooldown_s`, so a dead API costs one timeout, not one per request; the tool then answers from
  the local taste model and says so. After the cooldown one trial call is let through (half-open).
- Responses are cached by (base URL, path, sorted parameters) for `ttl_s` in a cache the caller provides
  (SQL in production), so the same question twice costs one request. The key is never logged.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

ENTITY_TYPES = ("artist", "book", "brand", "destination", "movie", "person", "place", "podcast", "tv_show", "videogame")
TYPE_SPELLINGS = {"tvshow": "tv_show", "video_game": "videogame"}  # the docs spell both
AGE_BUCKETS = ("35_and_younger", "36_to_55", "55_and_older")
GENDERS = ("male", "female")
WEIGHT_WORDS = ("very_low", "low", "mid", "high", "very_high")

_SIGNALS = {
    "signal.interests.entities", "signal.interests.tags", "signal.demographics.age", "signal.demographics.gender",
    "signal.demographics.audiences", "signal.location", "signal.location.query", "signal.location.radius",
}
_INSIGHTS = _SIGNALS | {f"{s}.weight" for s in _SIGNALS} | {
    "filter.type", "filter.tags", "filter.exclude.tags", "operator.filter.tags", "filter.popularity.min", "filter.popularity.max",
    "filter.release_year.min", "filter.release_year.max", "filter.location.query", "filter.location.radius", "filter.location",
    "filter.entities", "filter.exclude.entities", "bias.trends", "diversify.by", "diversify.take", "feature.explainability",
    "take", "page", "sort_by",
}
PARAMETERS: dict[str, frozenset[str]] = {
    "/v2/insights": frozenset(_INSIGHTS),
    "/search": frozenset({"query", "types", "take", "page"}),
    "/v2/tags": frozenset({"filter.query", "filter.tag.types", "filter.parents.types", "take", "page"}),
    "/v2/tags/types": frozenset({"take", "page"}),
    "/v2/audiences": frozenset({"filter.audience.types", "filter.parents.types", "filter.popularity.min", "filter.popularity.max", "take", "page"}),
    "/v2/audiences/types": frozenset({"take", "page"}),
    "/v2/trending": frozenset({"filter.type", "filter.start_date", "filter.end_date", "take", "page"}),
}


class QlooError(Exception):
    """Qloo could not answer (network, 5xx after retries, breaker open); the tool falls back."""


class QlooParamError(QlooError, ValueError):
    """A parameter name or value Qloo does not document: a bug or bad input, never sent."""


class QlooUnknownLocation(QlooError):
    """HTTP 400 on a location: the user named a place Qloo does not know."""


class QlooBreakerOpen(QlooError):
    pass


def entity_urn(kind: str) -> str:
    """`brand` or `urn:entity:brand` (or a documented alternate spelling) → `urn:entity:brand`."""
    short = kind.removeprefix("urn:entity:").strip().lower()
    short = TYPE_SPELLINGS.get(short, short)
    if short not in ENTITY_TYPES:
        raise QlooParamError(f"unknown Qloo entity type {kind!r}; known: {', '.join(ENTITY_TYPES)}")
    return f"urn:entity:{short}"


def age_buckets(age_min: int | None, age_max: int | None) -> list[str]:
    """Qloo's age buckets overlapping [age_min, age_max] (36_to_55 is 36–55, 55_and_older 55+)."""
    lo, hi = age_min if age_min is not None else 0, age_max if age_max is not None else 200
    bounds = {"35_and_younger": (0, 35), "36_to_55": (36, 55), "55_and_older": (55, 200)}
    return [b for b, (a, z) in bounds.items() if a <= hi and lo <= z]


def validate_params(path: str, params: dict[str, Any]) -> dict[str, str]:
    """Documented names only, enumerated values checked; values flattened to Qloo's strings."""
    allowed = PARAMETERS.get(path)
    if allowed is None:
        raise QlooParamError(f"unknown Qloo path {path!r}; known: {', '.join(PARAMETERS)}")
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise QlooParamError(f"Qloo {path} does not take {', '.join(unknown)} (it would silently ignore them)")
    flat = {k: ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items() if v is not None}
    if path == "/v2/insights":
        if "filter.type" not in flat or not any(k.startswith(("signal.", "filter.")) for k in flat if k != "filter.type"):
            raise QlooParamError("Qloo /v2/insights needs filter.type and at least one other signal or filter")
        if flat["filter.type"] not in ("urn:demographics", "urn:heatmap", "urn:tag"):
            flat["filter.type"] = entity_urn(flat["filter.type"])
    for name, options in (("signal.demographics.age", AGE_BUCKETS), ("signal.demographics.gender", GENDERS)):
        bad = [v for v in flat.get(name, "").split(",") if v and v not in options]
        if bad:
            raise QlooParamError(f"{name} does not take {', '.join(bad)}; known: {', '.join(options)}")
    for name, value in flat.items():
        if name.endswith(".weight") and value not in WEIGHT_WORDS:
            try:
                float(value)
            except ValueError:
                raise QlooParamError(f"{name} takes a number or one of {', '.join(WEIGHT_WORDS)}, not {value!r}") from None
    return flat


# --- typed responses ---------------------------------------------------------------------------------

class QlooQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    affinity: float | None = None


class QlooEntity(BaseModel):
    model_config = ConfigDict(extra="ignore")
    entity_id: str
    name: str
    subtype: str | None = None
    types: list[str] = Field(default_factory=list)
    popularity: float | None = None
    query: QlooQuery = Field(default_factory=QlooQuery)


class QlooTag(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(validation_alias=AliasChoices("id", "tag_id"), default="")
    name: str
    type: str | None = None


class QlooTrend(BaseModel):
    model_config = ConfigDict(extra="ignore")
    entity_id: str
    name: str
    population_percentile: float | None = None
    population_rank: int | None = None
    population_rank_velocity: float | None = None
    velocity_fold_change: float | None = None
    population_percent_delta: float | None = None


class QlooAudience(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(validation_alias=AliasChoices("id", "entity_id"), default="")
    name: str


def _results(payload: dict, key: str) -> list[dict]:
    results = payload.get("results", {})
    return results if isinstance(results, list) else results.get(key, [])


# --- cache and breaker ----------------------------------------------------------------------------

class ResponseCache(Protocol):
    def get(self, key: str) -> dict | None: ...
    def put(self, key: str, path: str, value: dict, ttl_s: float) -> None: ...


def cache_key(base_url: str, path: str, params: dict[str, str]) -> str:
    """sha256 of (base URL, path, sorted parameters): keys differ per deployment, never contain the API key."""
    return hashlib.sha256(json.dumps([base_url.rstrip("/"), path, sorted(params.items())]).encode()).hexdigest()


@dataclass
class CircuitBreaker:
    failure_threshold: int = 3
    cooldown_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        """Open while cooling down; after that one trial passes (half-open) and decides."""
        return self.opened_at is not None and self.clock() - self.opened_at < self.cooldown_s

    def record(self, ok: bool) -> None:
        if ok:
            self.failures, self.opened_at = 0, None
        else:
            self.failures += 1
            if self.failures >= self.failure_threshold:
                self.opened_at = self.clock()


@dataclass
class QlooClient:
    """One client per base URL and key. `transport` lets tests use an in-memory server."""

    base_url: str
    api_key: str = field(repr=False)
    cache: ResponseCache | None = None
    ttl_s: float = 24 * 3600
    timeout_s: float = 10.0
    max_retries: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    transport: httpx.AsyncBaseTransport | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def get(self, path: str, params: dict[str, Any]) -> dict:
        """Validated, cached, retried GET; raises QlooError subclasses only."""
        flat = validate_params(path, params)
        key = cache_key(self.base_url, path, flat)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        if self.breaker.is_open:
            raise QlooBreakerOpen(f"Qloo is not answering (circuit open after {self.breaker.failures} failures)")
        try:
            payload = await self._fetch(path, flat)
        except QlooUnknownLocation:
            self.breaker.record(True)  # the API answered; the question was wrong
            raise
        except QlooError:
            self.breaker.record(False)
            raise
        self.breaker.record(True)
        if self.cache is not None:
            self.cache.put(key, path, payload, self.ttl_s)
        return payload

    async def _fetch(self, path: str, params: dict[str, str]) -> dict:
        headers = {"X-Api-Key": self.api_key, "Accept": "application/json"}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout_s, transport=self.transport) as http:
            for attempt in range(self.max_retries + 1):
                try:
                    response = await http.get(path, params=params, headers=headers)
                except httpx.HTTPError as exc:
                    if attempt == self.max_retries:
                        raise QlooError(f"Qloo {path} unreachable: {type(exc).__name__}") from None
                    await self.sleep(min(self.max_backoff_s, self.backoff_s * 2**attempt))
                    continue
                if response.status_code == 429 or response.status_code >= 500:
                    if attempt == self.max_retries:
                        raise QlooError(f"Qloo {path} answered HTTP {response.status_code} after {attempt + 1} tries")
                    await self.sleep(self._delay(response, attempt))
                    continue
                if response.status_code == 400 and ("signal.location.query" in params or "filter.location.query" in params):
                    raise QlooUnknownLocation(f"Qloo does not know the place {params.get('signal.location.query') or params.get('filter.location.query')!r}")
                if response.status_code >= 400:
                    raise QlooParamError(f"Qloo {path} refused the request (HTTP {response.status_code}): {response.text[:200]}")
                return response.json()
        raise AssertionError("unreachable")

    def _delay(self, response: httpx.Response, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.strip().isdigit():
            return min(self.max_backoff_s, float(retry_after))
        return min(self.max_backoff_s, self.backoff_s * 2**attempt)

    # --- the calls the tools make -------------------------------------------------------------

    async def search(self, query: str, types: list[str] | None = None, take: int = 5) -> list[QlooEntity]:
        params = {"query": query, "take": take, "types": [entity_urn(t) for t in types] if types else None}
        return [QlooEntity.model_validate(e) for e in _results(await self.get("/search", params), "entities")]

    async def tags(self, query: str, take: int = 5) -> list[QlooTag]:
        payload = await self.get("/v2/tags", {"filter.query": query, "take": take})
        return [QlooTag.model_validate(t) for t in _results(payload, "tags")]

    async def audiences(self, audience_types: list[str] | None = None, take: int = 20) -> list[QlooAudience]:
        payload = await self.get("/v2/audiences", {"filter.audience.types": audience_types, "take": take})
        return [QlooAudience.model_validate(a) for a in _results(payload, "audiences")]

    async def trending(self, entity_type: str, start_date: str, end_date: str, take: int = 20) -> list[QlooTrend]:
        payload = await self.get("/v2/trending", {"filter.type": entity_urn(entity_type), "filter.start_date": start_date, "filter.end_date": end_date, "take": take})
        return [QlooTrend.model_validate(e) for e in _results(payload, "entities")]

    async def insights(self, entity_type: str, *, age: list[str] | None = None, gender: str | None = None, location: str | None = None,
                       tag_ids: list[str] | None = None, entity_ids: list[str] | None = None, take: int = 10) -> list[QlooEntity]:
        params = {
            "filter.type": entity_urn(entity_type), "signal.demographics.age": age or None, "signal.demographics.gender": gender,
            "signal.location.query": location, "signal.interests.tags": tag_ids or None, "signal.interests.entities": entity_ids or None, "take": take,
        }
        if not any(v for k, v in params.items() if k.startswith("signal.")):
            params["filter.popularity.min"] = 0  # "everyone": Qloo needs a filter beyond the type; this one removes nothing
        return [QlooEntity.model_validate(e) for e in _results(await self.get("/v2/insights", params), "entities")]
