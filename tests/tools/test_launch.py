"""analyze_launch: a complete readout offline, graceful degradation, and the plan's properties."""
from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tools.launch_engines as engines
from memory.results import get_result
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.launch_plan import rank_segments
from tools.registry import load_tools, run_tool

REQUEST = {"product": "Cyberpunk Sneakers", "tags": ["Sci-fi", "Shopping"], "price": 120, "regions": ["North America", "Europe"], "horizon": 12}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "affinity"


@pytest.fixture
def offline(settings: Settings, tmp_path: Path) -> ToolContext:
    """Only the affinity surveys on disk (when the shared copy exists): affinity and persona answer,
    hype, forecast and search have nothing and must be reported missing."""
    data = tmp_path / "data"
    if SHARED.is_dir():
        shutil.copytree(SHARED, data / "affinity")
    else:
        data.mkdir()
    # SQLite in the temp home even on the Postgres pass: a shared database may already hold other
    # tests' sales and posts, and this test is about what happens when engines have no data.
    return ToolContext(settings=settings.model_copy(update={"data_dir": data, "database_url": None}), thread_id=f"launch-{uuid.uuid4().hex[:8]}")


def test_offline_readout_is_complete_fast_and_traceable(offline: ToolContext) -> None:
    load_tools()  # the CLI and bots import the tools once at start: time the readout, not the imports
    started = time.monotonic()
    out = run_tool("analyze_launch", REQUEST, offline)
    assert time.monotonic() - started <= 15
    d = out.data
    by_key = {s.key: s for s in d.sections}
    assert by_key["persona"].status == "ok" and by_key["persona"].figures["scenarios"] == 3 * 2 * 2 * 2
    assert {m.tool for m in d.missing} >= {"forecast_demand", "search_products", "suggest_queries"}
    assert all(m.reason for m in d.missing) and "Missing:" in out.summary
    assert {r.topic for r in d.plan} >= {"segments", "price", "regions", "timing"}
    for rec in d.plan:  # every cited figure points at a stored sub-result holding the inputs used
        assert rec.evidence
        for e in rec.evidence:
            stored = get_result(offline.settings, e.result_id)
            assert stored is not None and stored.tool == e.tool and stored.arguments == by_key[_key(d, e.result_id)].arguments
    assert out.charts and all(Path(c.path).is_file() for c in out.charts)
    exported = run_tool("export_report", {"format": "json"}, offline)
    payload = json.loads(Path(exported.files[0]).read_text())
    assert payload["tool"] == "analyze_launch" and payload["output"]["data"]["plan"][0]["evidence"][0]["engine"] == "persona"


def _key(d, result_id: str) -> str:
    return next(s.key for s in d.sections if s.result_id == result_id)


def test_raising_the_price_never_raises_adoption(offline: ToolContext) -> None:
    out = run_tool("analyze_launch", REQUEST | {"price": 40}, offline)
    persona = next(s for s in out.data.sections if s.key == "persona")
    scenarios = get_result(offline.settings, persona.result_id).output["data"]["scenarios"]
    groups: dict[tuple, list[tuple[float, float]]] = defaultdict(list)
    for s in scenarios:
        groups[(s["region"], s["start"], s["channel"])].append((s["price"], s["adoption"]))
    for rows in groups.values():
        adoption = [a for _, a in sorted(rows)]
        assert adoption == sorted(adoption, reverse=True)


@given(st.dictionaries(st.sampled_from(["age 18–24", "age 25–34", "age 35–44", "age 45–54"]), st.floats(0.001, 0.5), min_size=2),
       st.floats(0.2, 3.0), st.floats(0.01, 2.0))
def test_higher_tag_affinity_ranks_a_segment_higher(adoption: dict[str, float], lift: float, extra: float) -> None:
    """Same adoption, more affinity for the tags → ranked above."""
    a, b = sorted(adoption)[:2]
    adoption = adoption | {b: adoption[a]}
    ranked = [r.segment for r in rank_segments({a: lift + extra, b: lift}, adoption)]
    assert ranked.index(a) < ranked.index(b)


def test_a_failed_engine_is_reported_missing_and_the_rest_still_answers(offline: ToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    real = engines.run_tool

    def flaky(name, raw, ctx):
        if name == "simulate_launch":
            raise ToolError("upstream_error", "persona engine down (simulated)")
        return real(name, raw, ctx)

    monkeypatch.setattr(engines, "run_tool", flaky)
    if not SHARED.is_dir():  # nothing else answers without the surveys: the refusal names every engine
        with pytest.raises(ToolError, match="simulated"):
            run_tool("analyze_launch", REQUEST, offline)
        return
    out = run_tool("analyze_launch", REQUEST, offline)
    assert any(m.tool == "simulate_launch" and "simulated" in m.reason for m in out.data.missing)
    assert "simulate_launch (persona engine down (simulated))" in out.summary
    assert next(s for s in out.data.sections if s.key == "affinity").status == "ok" and not out.data.segments


def test_an_engine_over_its_budget_is_missing_not_waited_for(offline: ToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    real = engines.run_tool

    def slow(name, raw, ctx):
        if name == "audience_affinity":
            time.sleep(10)
        return real(name, raw, ctx)

    monkeypatch.setattr(engines, "run_tool", slow)
    started = time.monotonic()
    out = run_tool("analyze_launch", REQUEST | {"budget_s": 6}, offline)
    assert time.monotonic() - started < 10
    assert any(m.tool == "audience_affinity" and "time budget" in m.reason for m in out.data.missing)


def test_bad_input_is_a_readable_error(offline: ToolContext) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("analyze_launch", {"product": "x", "regions": ["Atlantis"]}, offline)
    assert err.value.code == "invalid_argument" and "regions" in err.value.message


@pytest.mark.realdata
def test_real_data_readout_uses_every_data_engine(settings: Settings, data_dir: Path) -> None:
    ctx = ToolContext(settings=settings, thread_id="real")
    out = run_tool("analyze_launch", {"product": "Cyberpunk Sneakers", "budget_s": 120}, ctx)
    ok = {s.key for s in out.data.sections if s.status == "ok"}
    assert {"persona", "forecast"} <= ok, out.summary
