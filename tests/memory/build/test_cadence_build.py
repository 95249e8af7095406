"""The "cadence" build step on a small data dir: what it writes, that a crash or a kill in the middle
leaves the previous build answering, and that the next run finishes, reusing the vectors already
stored (it resumes the embedding instead of starting over)."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from memory.build import cadence as cadence_build
from memory.build.runner import progress_sentence, run_steps, start_background
from memory.build.state import is_running, read_status
from memory.build.steps import BUILD_STEPS
from memory.cadence_store import cadence_state, inputs_fingerprint, load_index, read_meta
from memory.settings import Settings
from memory.vectors import get_chroma_client
from tests.cadence_data import write_small_data
from tools.base import ToolContext
from tools.registry import load_tools, run_tool


@pytest.fixture
def small(settings: Settings, tmp_path: Path) -> Settings:
    load_tools()
    return settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data")})


def build(settings: Settings) -> str:
    return [text for _, text, _ in run_steps(settings, [BUILD_STEPS["cadence"]])][0]


def collections(settings: Settings) -> set[str]:
    return {c.name for c in get_chroma_client(settings).list_collections()}


def test_the_build_writes_catalog_vectors_and_index_and_is_then_up_to_date(small: Settings) -> None:
    assert cadence_state(small) == "missing"
    report = build(small)
    assert "120 products" in report and "index of" in report
    meta = read_meta(small)
    assert cadence_state(small) == "built" and meta.fingerprint == inputs_fingerprint(small)
    assert collections(small) == {meta.products_collection}
    index, _ = load_index(small)
    assert index.contains("wooden train") and any(h.source == "generated" for h in index.search("wooden", 50))
    out = run_tool("search_products", {"query": "red summer dress", "k": 3}, ToolContext(settings=small))
    assert out.data.results[0].vector_rank is not None and "Chroma vectors" in out.source


def test_a_crash_mid_build_keeps_the_previous_build_and_the_rerun_resumes(small: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    build(small)
    before = read_meta(small)
    write_small_data(small.data_dir, n_products=150, seed=1)  # new data: the build is stale
    assert cadence_state(small) == "stale"
    embedded: list[int] = []
    real_embed = cadence_build.embed_texts
    monkeypatch.setattr(cadence_build, "embed_texts", lambda s, texts: embedded.append(len(texts)) or real_embed(s, texts))

    def crash(*_args, **_kwargs):
        raise MemoryError("killed mid-build")

    monkeypatch.setattr(cadence_build, "pseudo_categories", crash)
    with pytest.raises(MemoryError):
        build(small)
    assert read_status(small).state == "failed" and "killed mid-build" in read_status(small).error
    assert read_meta(small) == before and before.products_collection in collections(small)  # the old build still answers
    ctx = ToolContext(settings=small)
    assert "Chroma vectors" in run_tool("search_products", {"query": "wooden train"}, ctx).source
    assert run_tool("suggest_queries", {"prefix": "wo"}, ctx).source.startswith("CADENCE prefix index")
    first_pass = sum(embedded)
    assert first_pass > 0
    monkeypatch.undo()
    monkeypatch.setattr(cadence_build, "embed_texts", lambda s, texts: embedded.append(len(texts)) or real_embed(s, texts))
    build(small)
    assert sum(embedded) == first_pass  # the rerun embedded nothing new: the vectors stored before the crash were reused
    after = read_meta(small)
    assert cadence_state(small) == "built" and after.fingerprint != before.fingerprint
    assert collections(small) == {after.products_collection}


@pytest.mark.slow
def test_a_killed_background_build_leaves_the_previous_build_and_restarts_cleanly(small: Settings) -> None:
    build(small)
    before = read_meta(small)
    write_small_data(small.data_dir, n_products=150, seed=2)
    on = small.model_copy(update={"autobuild": True})
    start_background(on, ["cadence"])
    deadline = time.monotonic() + 120
    while (status := read_status(on)) is None or status.state != "running":
        assert time.monotonic() < deadline and (status is None or status.state != "failed"), status
        time.sleep(0.05)
    os.kill(status.pid, signal.SIGKILL)  # inside the step: it has only just started
    while is_running(on):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert read_meta(small) == before and before.products_collection in collections(small)
    index, _ = load_index(small)
    assert index.contains("wooden train")
    assert "Chroma vectors" in run_tool("search_products", {"query": "wooden train"}, ToolContext(settings=small)).source
    assert "stopped before it finished" in progress_sentence(on, "cadence", read_status(on))
    build(small)  # the next run restarts the step and finishes
    assert cadence_state(small) == "built" and read_status(small).state == "finished"
