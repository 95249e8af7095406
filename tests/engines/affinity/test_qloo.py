"""Contract tests of the Qloo client against a server on 127.0.0.1 that speaks the documented v2 shapes."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from engines.affinity.qloo import (
    CircuitBreaker, QlooBreakerOpen, QlooClient, QlooError, QlooParamError, QlooUnknownLocation, age_buckets, entity_urn, validate_params,
)
from tests.httpstub import QuietHandler

KEY = "test-key-123"
ENTITY = {"entity_id": "E1", "name": "Nike", "subtype": "urn:entity:brand", "popularity": 0.97, "properties": {}, "tags": [], "query": {"affinity": 0.81}}


class FakeQloo:
    """Records requests; `script` maps a path to a list of (status, headers, body) served in order (the last repeats)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.script: dict[str, list[tuple[int, dict[str, str], dict]]] = {
            "/v2/insights": [(200, {}, {"success": True, "duration": 12, "results": {"entities": [ENTITY]}, "query": {}})],
            "/search": [(200, {}, {"results": [{"entity_id": "E1", "name": "Nike", "types": ["urn:entity:brand"], "popularity": 0.97}]})],
            "/v2/tags": [(200, {}, {"success": True, "results": {"tags": [{"id": "urn:tag:keyword:qloo:sneakers", "name": "Sneakers", "type": "urn:tag:keyword:qloo"}]}})],
            "/v2/audiences": [(200, {}, {"success": True, "results": {"audiences": [{"id": "urn:audience:gen_z", "name": "Gen Z"}]}})],
            "/v2/trending": [(200, {}, {"success": True, "results": {"entities": [{"entity_id": "E1", "name": "Nike", "population_percentile": 0.9, "population_rank": 3, "velocity_fold_change": 1.4}]}})],
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query))
                fake.requests.append((url.path, params, dict(self.headers)))
                if self.headers.get("X-Api-Key") != KEY:
                    status, headers, body = 401, {}, {"error": "unauthorized"}
                elif url.path == "/v2/insights" and params.get("signal.location.query") == "Atlantis":
                    status, headers, body = 400, {}, {"error": "location not found"}
                else:
                    queue = fake.script.get(url.path, [(404, {}, {"error": "no such path"})])
                    status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


@pytest.fixture
def server() -> Iterator[tuple[FakeQloo, str]]:
    fake = FakeQloo()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class MemoryCache:
    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        return self.rows.get(key)

    def put(self, key: str, path: str, value: dict, ttl_s: float) -> None:
        self.rows[key] = value


def make_client(base: str, **kwargs) -> tuple[QlooClient, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return QlooClient(base, KEY, sleep=sleep, timeout_s=2, **kwargs), slept


async def test_every_call_sends_documented_paths_headers_and_names(server) -> None:
    fake, base = server
    client, _ = make_client(base)
    entities = await client.insights("brand", age=["35_and_younger", "36_to_55"], gender="female", location="New York", tag_ids=["urn:tag:keyword:qloo:sneakers"], take=5)
    assert entities[0].name == "Nike" and entities[0].query.affinity == pytest.approx(0.81) and entities[0].popularity == pytest.approx(0.97)
    assert (await client.search("nike", types=["brand"]))[0].entity_id == "E1"
    assert (await client.tags("sneakers"))[0].id == "urn:tag:keyword:qloo:sneakers"
    assert (await client.audiences())[0].name == "Gen Z"
    assert (await client.trending("brand", "2026-01-01", "2026-01-31"))[0].velocity_fold_change == pytest.approx(1.4)
    paths = [r[0] for r in fake.requests]
    assert paths == ["/v2/insights", "/search", "/v2/tags", "/v2/audiences", "/v2/trending"]
    assert all(r[2].get("X-Api-Key") == KEY for r in fake.requests)
    insights = fake.requests[0][1]
    assert insights == {"filter.type": "urn:entity:brand", "signal.demographics.age": "35_and_younger,36_to_55", "signal.demographics.gender": "female",
                        "signal.location.query": "New York", "signal.interests.tags": "urn:tag:keyword:qloo:sneakers", "take": "5"}
    assert fake.requests[1][1] == {"query": "nike", "types": "urn:entity:brand", "take": "5"}
    assert fake.requests[2][1] == {"filter.query": "sneakers", "take": "5"}
    assert fake.requests[4][1]["filter.type"] == "urn:entity:brand" and "filter.start_date" in fake.requests[4][1]


async def test_429_with_retry_after_is_retried(server) -> None:
    fake, base = server
    fake.script["/v2/tags"] = [(429, {"Retry-After": "2"}, {"error": "slow down"}), (200, {}, {"results": {"tags": [{"id": "t1", "name": "x"}]}})]
    client, slept = make_client(base)
    assert (await client.tags("x"))[0].id == "t1"
    assert slept == [2.0] and len(fake.requests) == 2


async def test_5xx_exhausts_retries_with_backoff_then_errors(server) -> None:
    fake, base = server
    fake.script["/v2/tags"] = [(503, {}, {"error": "down"})]
    client, slept = make_client(base, max_retries=2, backoff_s=0.5)
    with pytest.raises(QlooError, match="503"):
        await client.tags("x")
    assert slept == [0.5, 1.0] and len(fake.requests) == 3


async def test_unknown_location_is_a_readable_error_not_a_retry(server) -> None:
    fake, base = server
    client, slept = make_client(base)
    with pytest.raises(QlooUnknownLocation, match="Atlantis"):
        await client.insights("artist", location="Atlantis")
    assert slept == [] and client.breaker.failures == 0


async def test_second_identical_call_is_served_from_cache(server) -> None:
    fake, base = server
    client, _ = make_client(base, cache=MemoryCache())
    first = await client.insights("movie", gender="male")
    second = await client.insights("movie", gender="male")
    assert first == second and len(fake.requests) == 1


async def test_breaker_opens_after_failures_and_refuses_without_calling(server) -> None:
    fake, base = server
    fake.script["/v2/tags"] = [(500, {}, {"error": "boom"})]
    now = [0.0]
    client, _ = make_client(base, max_retries=0, breaker=CircuitBreaker(failure_threshold=2, cooldown_s=30, clock=lambda: now[0]))
    for _ in range(2):
        with pytest.raises(QlooError):
            await client.tags("x")
    with pytest.raises(QlooBreakerOpen):
        await client.tags("x")
    assert len(fake.requests) == 2
    now[0] = 31.0  # half-open: one trial goes through and, answered, closes the breaker
    fake.script["/v2/tags"] = [(200, {}, {"results": {"tags": []}})]
    assert await client.tags("x") == [] and not client.breaker.is_open


def test_parameter_names_and_values_are_validated_before_sending() -> None:
    with pytest.raises(QlooParamError, match="signal.demographic.age"):
        validate_params("/v2/insights", {"filter.type": "urn:entity:brand", "signal.demographic.age": "36_to_55"})
    with pytest.raises(QlooParamError, match="known: 35_and_younger"):
        validate_params("/v2/insights", {"filter.type": "urn:entity:brand", "signal.demographics.age": "18_to_24"})
    with pytest.raises(QlooParamError, match="at least one other"):
        validate_params("/v2/insights", {"filter.type": "urn:entity:brand", "take": 5})
    with pytest.raises(QlooParamError, match="known: artist"):
        entity_urn("spaceship")
    assert entity_urn("tvshow") == "urn:entity:tv_show" and entity_urn("urn:entity:video_game") == "urn:entity:videogame"
    assert validate_params("/v2/insights", {"filter.type": "brand", "signal.interests.tags.weight": "high"})["filter.type"] == "urn:entity:brand"


def test_age_ranges_map_to_overlapping_buckets() -> None:
    assert age_buckets(18, 34) == ["35_and_younger"]
    assert age_buckets(30, 40) == ["35_and_younger", "36_to_55"]
    assert age_buckets(60, None) == ["55_and_older"]
