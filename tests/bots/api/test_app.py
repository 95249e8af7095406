"""The storefront API through Starlette's TestClient: keys, limits, readable errors, idempotent
events, the chat's tools answering on a fresh install, and experiment variants served and logged."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bots.api.app import build_app
from bots.api.keys import KeyConfigError, parse_keys
from bots.api.limits import ApiLimits
from memory.experiments import exposures
from memory.owner import Owner
from memory.settings import Settings
from tests.cadence_data import write_small_data
from tools.base import ToolContext
from tools.experiments.serving import forget_cache
from tools.registry import run_tool

KEY = "sk-test-" + "a" * 24
TENANT = Owner.cli(f"shop-{uuid.uuid4().hex[:8]}")  # unique: Postgres is shared between tests


@pytest.fixture
def shop(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data")})


def client(settings: Settings, limits: ApiLimits | None = None) -> TestClient:
    return TestClient(build_app(settings, {KEY: TENANT}, limits), headers={"Authorization": f"Bearer {KEY}"})


def test_health_needs_no_key_and_keys_are_checked(shop: Settings) -> None:
    anon = TestClient(build_app(shop, {KEY: TENANT}))
    assert anon.get("/v1/health").json()["status"] == "ok"
    for headers in ({}, {"Authorization": "Bearer " + "b" * 32}, {"Authorization": KEY}):
        res = anon.post("/v1/suggest", json={"prefix": "re"}, headers=headers)
        assert res.status_code == 401 and res.json()["error"]["code"] == "unauthorized"


def test_suggest_and_search_answer_on_a_fresh_install(shop: Settings) -> None:
    api = client(shop)
    res = api.post("/v1/suggest", json={"prefix": "red", "k": 3})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["suggestions"][0]["text"] == "red dress" and body["experiment"] is None and "popularity" in body["summary"]
    res = api.post("/v1/search", json={"query": "wooden train", "k": 3})
    assert res.status_code == 200 and res.json()["results"]


@pytest.mark.parametrize(("body", "status", "field_or_text"), [
    (b"{not json", 400, "not valid JSON"),
    (b"", 400, "empty"),
    (b"[1, 2]", 422, "JSON object"),
    (b'{"prefix": "re", "kk": 3}', 422, "kk"),
    (b'{"prefix": "re", "k": 1000}', 422, "k"),
    (b'{"prefix": 5}', 422, "prefix"),
])
def test_malformed_bodies_are_4xx_naming_the_problem(shop: Settings, body: bytes, status: int, field_or_text: str) -> None:
    res = client(shop).post("/v1/suggest", content=body, headers={"Content-Type": "application/json"})
    assert res.status_code == status, res.text
    error = res.json()["error"]
    assert field_or_text in (error["message"] + str(error["field"]))


def test_events_are_idempotent_and_errors_name_the_event(shop: Settings) -> None:
    api = client(shop)
    tag = uuid.uuid4().hex[:8]
    batch = {"events": [{"event_id": f"{tag}-{i}", "action": "click", "user_id": "u1", "item_id": "red dress", "item_kind": "suggestion", "rank": 2} for i in range(5)]}
    assert api.post("/v1/events", json=batch).json() == {"received": 5, "stored": 5, "duplicates": 0}
    assert api.post("/v1/events", json=batch).json() == {"received": 5, "stored": 0, "duplicates": 5}
    single = {"event_id": f"{tag}-x", "action": "purchase", "user_id": "u1", "item_id": "fk00001", "value": 19.5, "timestamp": "2026-01-02T10:00:00"}
    assert api.post("/v1/events", json=single).json()["stored"] == 1
    bad = {"events": [batch["events"][0], {**batch["events"][1], "action": "teleport"}]}
    res = api.post("/v1/events", json=bad)
    assert res.status_code == 422 and res.json()["error"]["field"] == "events.1.action"
    res = api.post("/v1/events", json={"event_id": "f", "action": "view", "user_id": "u", "item_id": "i", "timestamp": "2999-01-01T00:00:00Z"})
    assert res.status_code == 422 and "future" in res.json()["error"]["message"]


def test_size_and_rate_limits(shop: Settings) -> None:
    api = client(shop, ApiLimits(rate_per_second=1, burst=2, max_body_bytes=200))
    assert api.post("/v1/events", content=b"x" * 500).status_code == 413
    codes = [api.post("/v1/suggest", json={"prefix": "re"}).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_running_experiment_serves_variants_and_logs_exposures(shop: Settings) -> None:
    forget_cache()
    exp = run_tool("start_experiment", {"variants": ["plain", "personalised"]}, ToolContext(settings=shop, owner=TENANT)).data.experiment
    api = client(shop)
    seen = {}
    tag = uuid.uuid4().hex[:8]
    users = [f"{tag}-u{i}" for i in range(40)]
    api.post("/v1/events", json={"events": [{"event_id": f"{u}-e", "action": "click", "user_id": u, "item_id": "red shoes", "item_kind": "suggestion"} for u in users]})
    with api:  # the context runs background tasks before returning
        for user in users:
            res = api.post("/v1/suggest", json={"prefix": "red", "user_id": user}).json()
            seen[user] = res["experiment"]["variant"]
            assert res["experiment"]["id"] == exp.experiment_id
            assert res["personalised"] is (seen[user] == "personalised")  # plain = the same call without the user
    assert set(seen.values()) == {"plain", "personalised"}
    logged = {u: v for u, v, _ in exposures(shop, TENANT, exp.experiment_id)}
    assert logged == seen
    forget_cache()


def test_openapi_schema_lists_the_endpoints(shop: Settings) -> None:
    schema = TestClient(build_app(shop, {KEY: TENANT})).get("/v1/openapi.json").json()
    assert {"/v1/suggest", "/v1/search", "/v1/events", "/v1/health"} <= set(schema["paths"])
    assert "EventIn" in schema["components"]["schemas"]


def test_key_config() -> None:
    keys = parse_keys(f"{KEY}, {'c' * 20}=slack:T0123")
    assert keys[KEY].kind == "api" and KEY not in keys[KEY].key
    assert keys["c" * 20] == Owner(kind="slack", id="T0123")
    with pytest.raises(KeyConfigError, match="16 characters"):
        parse_keys("short")
    with pytest.raises(KeyConfigError, match="KIND:ID"):
        parse_keys("d" * 20 + "=nobody")
