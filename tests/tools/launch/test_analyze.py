"""analyze_launch: a complete readout offline, graceful degradation, and the plan's properties."""
from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tools.launch.engines as engines
from memory.embeddings import _packaged_minilm
from memory.results import get_result
from memory.settings import Settings
from tools.base import ToolContext, ToolError, ToolOutput
from tools.launch.engines import Outcome, Section
from tools.launch.plan import rank_segments, segments_rec, weak_reading
from tools.registry import load_tools, run_tool

REQUEST = {"product": "Cyberpunk Sneakers", "tags": ["Sci-fi", "Shopping"], "price": 120, "regions": ["North America", "Europe"], "horizon": 12}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "affinity"
SEARCH_FILES = ("catalog/flipkart_products.csv", "catalog/amazon_uk_toys.csv", "queries/aol_100k.txt.gz")


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
    assert all(m.reason for m in d.missing) and "Not answered:" in out.summary
    assert d.readout.verdict in ("go", "go with changes", "hold") and d.readout.key_numbers and 1 <= len(d.readout.actions) <= 3
    assert len(d.readout.gaps) <= len(d.missing)  # alike reasons are said once
    assert {r.topic for r in d.plan} >= {"segments", "price", "regions", "timing"}
    for rec in d.plan:  # every cited figure points at a stored sub-result holding the inputs used
        assert rec.evidence
        for e in rec.evidence:
            stored = get_result(offline.settings, e.result_id, offline.owner)
            assert stored is not None and stored.tool == e.tool and stored.arguments == by_key[_key(d, e.result_id)].arguments
            assert stored.thread_id == f"{offline.thread_id}/launch"  # a late sub-result never becomes "that" in "export that"
    assert out.charts and all(Path(c.path).is_file() for c in out.charts)
    exported = run_tool("export_report", {"format": "json"}, offline)
    payload = json.loads(Path(exported.files[0]).read_text())
    assert payload["tool"] == "analyze_launch" and payload["output"]["data"]["plan"][0]["evidence"][0]["engine"] == "persona"
    _assert_traceable(payload, offline)


def _assert_traceable(payload: dict, ctx: ToolContext) -> None:
    """The JSON export alone names, for every figure, the engine and tool that made it and the exact
    inputs it ran with; stored sub-results hold the same inputs."""
    data = payload["output"]["data"]
    sections = {s["key"]: s for s in data["sections"]}
    for s in sections.values():
        assert s["engine"] and s["tool"] and s["status"] in ("ok", "missing")
        if s["status"] == "ok":
            assert s["arguments"] and s["source"], s["key"]
            if s["result_id"]:
                assert get_result(ctx.settings, s["result_id"], ctx.owner).arguments == s["arguments"]
        elif s["figures"]:
            raise AssertionError(f"a missing section has figures: {s['key']}")
    for rec in data["plan"]:
        for e in rec["evidence"]:
            section = sections[e["section"]]
            assert (section["engine"], section["tool"], section["result_id"]) == (e["engine"], e["tool"], e["result_id"]) and section["status"] == "ok"
            assert section["arguments"]


def _key(d, result_id: str) -> str:
    return next(s.key for s in d.sections if s.result_id == result_id)


def test_raising_the_price_never_raises_adoption(offline: ToolContext) -> None:
    out = run_tool("analyze_launch", REQUEST | {"price": 40}, offline)
    persona = next(s for s in out.data.sections if s.key == "persona")
    scenarios = get_result(offline.settings, persona.result_id, offline.owner).output["data"]["scenarios"]
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


@given(st.floats(0.001, 0.5), st.floats(0.01, 0.99), st.floats(0.5, 0.99))
def test_a_band_without_affinity_data_never_outranks_a_measured_one(adoption: float, lift: float, unmeasured_adoption: float) -> None:
    """A measured band whose tags lift below 1 still ranks above a band with no affinity data,
    however much more the unmeasured band adopts."""
    ranked = rank_segments({"age 18–24": lift}, {"age 18–24": adoption, "age 45–54": unmeasured_adoption})
    assert [r.segment for r in ranked] == ["age 18–24", "age 45–54"] and ranked[1].affinity_lift is None


@given(st.floats(0.001, 0.5), st.floats(0.2, 3.0), st.floats(0.01, 2.0), st.floats(0.0, 0.5))
def test_a_band_whose_tags_lift_more_ranks_higher_in_the_plan(adoption: float, lift: float, extra: float, other: float) -> None:
    """Through the plan code itself: two bands with the same simulated adoption, the one whose
    compare_audiences lift over the product's tags is higher is ranked and recommended first."""
    persona = _outcome("persona", SimpleNamespace(segments=[SimpleNamespace(segment="age 18–24", adoption=adoption),
                                                            SimpleNamespace(segment="age 25–34", adoption=adoption),
                                                            SimpleNamespace(segment="age 35–44", adoption=other)]))
    lifted = {"age 18–24": lift, "age 25–34": lift + extra}
    segments = {band: _outcome(f"segment:{band}", SimpleNamespace(lift=[[v, 1.0], [v, 1.0]])) for band, v in lifted.items()}
    rec, ranked = segments_rec(persona, segments)
    order = [r.segment for r in ranked]
    assert order.index("age 25–34") < order.index("age 18–24")
    if order[0] == "age 25–34":  # the recommendation names the better band first
        assert rec.text.startswith("Target age 25–34")


def test_a_weak_reading_of_the_name_ranks_bands_by_adoption_alone() -> None:
    """'scented' read as Smoking at cosine 0.32: the bands' taste for Smoking says nothing about
    candles, so the plan ranks by simulated adoption and says why."""
    persona = _outcome("persona", SimpleNamespace(segments=[SimpleNamespace(segment="age 18–24", adoption=0.01),
                                                            SimpleNamespace(segment="age 35–44", adoption=0.02)]))
    segments = {"age 18–24": _outcome("segment:age 18–24", SimpleNamespace(lift=[[3.0, 1.0]]))}
    affinity = _outcome("affinity", SimpleNamespace(seeds_read=["'scented' as Smoking (cosine 0.32)"], seeds_matched={"scented": "Smoking"}))
    weak = weak_reading(affinity)
    assert weak == "“scented” as Smoking; cosine 0.32–0.32"
    rec, ranked = segments_rec(persona, segments, None, weak)
    assert [r.segment for r in ranked] == ["age 35–44", "age 18–24"] and all(r.affinity_lift is None for r in ranked)
    assert "read too weakly for affinity" in rec.text
    strong = _outcome("affinity", SimpleNamespace(seeds_read=["'rock' as Rock (by name)"], seeds_matched={"rock": "Rock"}))
    assert weak_reading(strong) == "" and segments_rec(persona, segments, None, weak_reading(strong))[1][0].segment == "age 18–24"


def _outcome(key: str, data: SimpleNamespace) -> Outcome:
    section = Section(key=key, engine="test", tool="test", status="ok", arguments={"k": key}, result_id=f"r-{key}", seconds=0.0)
    return Outcome(section, ToolOutput.model_construct(summary="", data=data, source="test"))


@pytest.mark.parametrize("down", [("simulate_launch",), ("audience_affinity", "compare_audiences")])
def test_a_failed_engine_is_reported_missing_and_the_rest_still_answers_any_engine(offline: ToolContext, monkeypatch: pytest.MonkeyPatch, down: tuple[str, ...]) -> None:
    real = engines.run_tool

    def flaky(name, raw, ctx):
        if name in down:
            raise ToolError("upstream_error", f"{name} down (simulated)")
        return real(name, raw, ctx)

    monkeypatch.setattr(engines, "run_tool", flaky)
    if not SHARED.is_dir():
        pytest.skip("the affinity surveys are needed for a partial readout")
    out = run_tool("analyze_launch", REQUEST, offline)
    for tool in down:
        assert any(m.tool == tool and "simulated" in m.reason for m in out.data.missing)
        assert f"{tool} down (simulated)" in out.summary
    assert any(s.status == "ok" for s in out.data.sections)


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
    assert "Launch simulation — the launch simulation: persona engine down (simulated)" in out.summary
    assert next(s for s in out.data.sections if s.key == "affinity").status == "ok" and not out.data.segments
    engines_answering = {s.engine for s in out.data.sections if s.status == "ok"}
    assert out.summary.startswith("Hold: there is no demand estimate yet") and out.data.readout.verdict == "hold"
    assert "persona" not in engines_answering and f"{len(engines_answering)} of 5 engines answered" in out.summary


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


@pytest.fixture
def with_search_files(offline: ToolContext) -> ToolContext:
    """The offline data dir plus the catalog and query-log files CADENCE is built from (not built)."""
    shared = SHARED.parent
    if not all((shared / f).is_file() for f in SEARCH_FILES):
        pytest.skip("the shared catalog and query log are not present")
    for name in SEARCH_FILES:
        (offline.settings.data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared / name, offline.settings.data_dir / name)
    return offline


def test_search_demand_comes_from_the_data_dir_when_cadence_is_not_built(with_search_files: ToolContext) -> None:
    out = run_tool("analyze_launch", REQUEST, with_search_files)
    by_key = {s.key: s for s in out.data.sections}
    search, suggest = by_key["search"], by_key["suggest"]
    assert (search.status, search.tool, suggest.status, suggest.tool) == ("ok", "search_demand", "ok", "log_completions")
    assert "caeser build" in search.fallback_for and "CADENCE not built" in search.source
    assert search.figures["catalog_titles"] > 0 and search.figures["queries"] > 0  # "sneakers" is sold and searched for
    stored = get_result(with_search_files.settings, search.result_id, with_search_files.owner)
    assert stored.tool == "search_demand" and stored.arguments == search.arguments == {"terms": ["cyberpunk", "sneakers", "sci-fi", "shopping"], "top": 10}
    rec = next(r for r in out.data.plan if r.topic == "search_terms")
    assert "CADENCE is not built" in rec.text and any(e.tool == "search_demand" and e.figure == "catalog_titles" for e in rec.evidence)
    assert not any(m.tool in ("search_products", "suggest_queries") for m in out.data.missing)


@pytest.mark.skipif(_packaged_minilm() is None or not SHARED.is_dir(), reason="needs the MiniLM package and the affinity surveys")
def test_a_bare_product_name_is_read_by_meaning_and_the_readout_says_how(offline: ToolContext) -> None:
    out = run_tool("analyze_launch", {"product": "Cyberpunk Sneakers"}, offline)
    affinity = next(s for s in out.data.sections if s.key == "affinity")
    assert affinity.status == "ok" and affinity.arguments["match_floor"] < 0.45
    assert "'Cyberpunk' as" in affinity.figures["read_as"] and "cosine" in affinity.figures["read_as"]
    assert "Affinity read the product's name as 'Cyberpunk' as" in out.summary
