"""Builds that start themselves: the step runner's status, ETA and failure record, the sentence tools
quote, and — on a small data dir — a fresh install whose first calls answer from what exists while
the background build runs, then from the full index."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from memory.build.runner import _eta, progress_sentence, run_steps, start_background
from memory.build.state import BuildLock, BuildStatus, now, read_durations, read_status, write_status
from memory.build.steps import BUILD_STEPS, BuildContext, BuildStep
from memory.settings import Settings
from tests.cadence_data import write_small_data
from tools.base import ToolContext
from tools.registry import run_tool


def _step(name: str, func) -> BuildStep:
    return BuildStep(name, func, 1, label=f"the {name} thing")


def test_run_steps_reports_progress_and_records_durations_and_failures(settings: Settings) -> None:
    seen: list[tuple[str, float, str]] = []

    def good(ctx: BuildContext) -> str:
        ctx.report(0.5, "half way")
        status = read_status(settings)
        assert status is not None and status.state == "running" and status.step == "good"  # writes are throttled: the fraction may lag
        return "made it"

    def bad(ctx: BuildContext) -> str:
        raise ValueError("broken data file")

    results = list(run_steps(settings, [_step("good", good)], lambda s, f, m: seen.append((s.name, f, m))))
    assert [(s.name, text) for s, text, _ in results] == [("good", "made it")]
    assert ("good", 0.5, "half way") in seen and "good" in read_durations(settings)
    assert read_status(settings).state == "finished"
    with pytest.raises(ValueError):
        list(run_steps(settings, [_step("good", good), _step("bad", bad)]))
    status = read_status(settings)
    assert status.state == "failed" and status.done == ["good"] and "broken data file" in status.error


def test_eta_uses_the_last_duration_early_and_the_rate_later() -> None:
    assert _eta(10, 0.1, 100.0, 50.0) == 140.0  # last run took 100 s; 50 s of later steps
    assert _eta(10, 0.5, 100.0, 0.0) == 10.0  # half done in 10 s: 10 s more
    assert _eta(10, 0.5, None, 0.0) == 10.0 and _eta(1, 0.1, None, 0.0) is None  # a first build: no time until 20%


def test_progress_sentences_say_how_far_and_how_long(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BUILD_STEPS, "idx", _step("idx", lambda ctx: ""))
    monkeypatch.setattr("memory.build.runner.is_running", lambda s: True)
    running = BuildStatus(pid=1, state="running", steps=["idx"], step="idx", fraction=0.4, eta_s=130.0, started_at=now(), heartbeat=now())
    assert progress_sentence(settings, "idx", running) == "Building the idx thing: 40%, about 2 min left."
    assert progress_sentence(settings, "idx", running.model_copy(update={"eta_s": 20.0})) == "Building the idx thing: 40%, less than a minute left."
    assert "just started" in progress_sentence(settings, "idx", running.model_copy(update={"state": "starting", "step": ""}))
    failed = running.model_copy(update={"state": "failed", "error": "idx: ValueError: bad"})
    assert "failed (idx: ValueError: bad)" in progress_sentence(settings, "idx", failed)
    monkeypatch.setattr("memory.build.runner.is_running", lambda s: False)
    assert "stopped before it finished" in progress_sentence(settings, "idx", running)
    assert progress_sentence(settings, "idx", running.model_copy(update={"state": "finished"})) == ""


def test_no_background_build_while_one_runs_or_when_switched_off(settings: Settings) -> None:
    assert start_background(settings, ["cadence"]) is None  # the test settings switch them off
    on = settings.model_copy(update={"autobuild": True})
    write_status(on, BuildStatus(pid=1, state="running", steps=["x"], step="x", started_at=now(), heartbeat=now()))
    with BuildLock(on) as lock:
        assert lock.acquire()
        assert start_background(on, ["cadence"]).steps == ["x"]  # the running build's status, nothing started


def test_a_recently_failed_build_is_not_retried_on_every_call(settings: Settings) -> None:
    on = settings.model_copy(update={"autobuild": True})
    failed = BuildStatus(pid=1, state="failed", steps=["cadence"], error="cadence: OSError: disk full", started_at=now(), heartbeat=now())
    write_status(on, failed)
    assert start_background(on, ["cadence"]) == failed


@pytest.mark.slow
def test_a_fresh_install_answers_at_once_then_from_the_built_index(settings: Settings, tmp_path: Path) -> None:
    fresh = settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data"), "autobuild": True})
    ctx = ToolContext(settings=fresh)
    first = run_tool("suggest_queries", {"prefix": "wo"}, ctx)
    assert [s.text for s in first.data.suggestions if s.source == "log"] == ["wooden train", "wooden train set"]
    assert "query popularity alone" in first.summary and "Building the search and suggestion indexes" in first.summary
    assert first.source.startswith("query popularity")
    search = run_tool("search_products", {"query": "wooden train", "k": 3}, ctx)
    assert search.data.results and "BM25 alone" in search.source
    clicked = run_tool("record_engagement", {"user_id": "u1", "action": "click", "item_id": search.data.results[0].item_id}, ctx)
    assert clicked.data.item_kind == "product"
    deadline = time.monotonic() + 240
    while (status := read_status(fresh)) is None or status.state not in ("finished", "failed"):
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    assert status.state == "finished", status.error
    later = run_tool("suggest_queries", {"prefix": "wo"}, ctx)
    assert later.source.startswith("CADENCE prefix index") and len(later.data.suggestions) > 2
    assert "Building" not in later.summary
    assert run_tool("search_products", {"query": "wooden train", "k": 3}, ctx).data.personalised is False
