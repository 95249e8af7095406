"""start_experiment / experiment_results / stop_experiment through the registry, on stored exposures
and events: a clear winner is called, a tie is not, results survive a new process's engine, exports work."""
from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest

from memory.db import dispose_engines
from memory.engagement import NewEvent, append_events
from memory.experiments import log_exposure
from memory.owner import Owner
from memory.settings import Settings
from memory.tables import utcnow
from tools.base import ToolContext, ToolError
from tools.experiments.serving import arm_for, forget_cache
from tools.registry import run_tool


@pytest.fixture
def ctx(settings: Settings) -> ToolContext:
    """A tenant of its own: experiments are one per surface and owner, and Postgres is shared."""
    tag = uuid.uuid4().hex[:12]
    return ToolContext(settings=settings, thread_id=f"test-{tag}", owner=Owner.cli(f"marketer-{tag}"))


def simulate(ctx: ToolContext, experiment_id: str, rates: dict[str, float], users: int = 4000, seed: int = 1) -> None:
    """Users served through the real assignment; each clicks with their arm's rate."""
    forget_cache()
    rng = np.random.default_rng(seed)
    events = []
    for i in range(users):
        user = f"{ctx.thread_id}-u{i}"
        arm = arm_for(ctx.settings, ctx.owner, "suggest", user)
        if arm is None:
            continue
        log_exposure(ctx.settings, ctx.owner, experiment_id, user, arm.variant)
        events.append(NewEvent(event_id=f"{user}-v", user_id=user, action="view", item_id="wa", item_kind="suggestion", variant=arm.variant, at=utcnow() + timedelta(seconds=1)))
        if rng.random() < rates[arm.variant]:
            events.append(NewEvent(event_id=f"{user}-c", user_id=user, action="click", item_id="water bottle", item_kind="suggestion", rank=2, variant=arm.variant, at=utcnow() + timedelta(seconds=2)))
    append_events(ctx.settings, ctx.owner, events)


def test_start_then_results_call_a_clear_winner(ctx: ToolContext) -> None:
    started = run_tool("start_experiment", {"variants": ["plain", "personalised"], "traffic": 0.5, "baseline": 0.2, "mde": 0.1}, ctx)
    exp = started.data.experiment
    assert exp.traffic == 0.5 and exp.variants == ["plain", "personalised"] and started.data.planned_per_arm > 1000
    assert "50% of shoppers" in started.summary
    simulate(ctx, exp.experiment_id, {"plain": 0.10, "personalised": 0.35}, users=1600)
    out = run_tool("experiment_results", {}, ctx)
    analysis = out.data.analysis
    users = [v.users for v in analysis.variants]
    assert 320 < users[0] < 480 and 320 < users[1] < 480  # 50% of 1,600 split evenly
    assert not analysis.srm
    comp = analysis.comparisons[0]
    assert comp.significant and comp.diff > 0.15 and comp.diff_low > 0
    assert "personalised beats plain" in out.summary.lower() and "p<0.001" in out.summary
    assert out.charts and out.result_id
    exported = run_tool("export_report", {"result_id": out.result_id, "format": "csv"}, ctx)
    assert any("variants" in f for f in exported.data.files)


def test_no_difference_is_not_called_and_says_what_is_needed(ctx: ToolContext) -> None:
    run_tool("start_experiment", {"mde": 0.05}, ctx)
    simulate(ctx, run_tool("experiment_results", {}, ctx).data.experiment.experiment_id, {"plain": 0.2, "personalised": 0.2}, users=1000, seed=3)
    out = run_tool("experiment_results", {}, ctx)
    assert not out.data.analysis.comparisons[0].significant
    assert out.data.analysis.remaining_per_arm > 0 and "more users per arm" in out.summary


def test_results_survive_a_restart_and_stop_is_final(ctx: ToolContext) -> None:
    exp_id = run_tool("start_experiment", {"surface": "search"}, ctx).data.experiment.experiment_id
    dispose_engines()
    forget_cache()
    assert run_tool("experiment_results", {"experiment_id": exp_id}, ctx).data.experiment.status == "running"
    stopped = run_tool("stop_experiment", {"reason": "done"}, ctx)
    assert stopped.data.experiment.status == "stopped" and stopped.summary.startswith("Stopped.")
    forget_cache()
    assert arm_for(ctx.settings, ctx.owner, "search", "anyone") is None
    with pytest.raises(ToolError, match="No experiment is running"):
        run_tool("stop_experiment", {}, ctx)


def test_one_running_experiment_per_surface_and_tenancy(ctx: ToolContext) -> None:
    exp_id = run_tool("start_experiment", {}, ctx).data.experiment.experiment_id
    with pytest.raises(ToolError, match="already running"):
        run_tool("start_experiment", {"variants": ["personalised", "plain"]}, ctx)
    other = ToolContext(settings=ctx.settings, owner=Owner.cli("someone-else"))
    with pytest.raises(ToolError) as err:
        run_tool("experiment_results", {"experiment_id": exp_id}, other)
    assert err.value.code == "not_found"


def test_bad_arguments_name_the_field(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="variants"):
        run_tool("start_experiment", {"variants": ["plain", "plain"]}, ctx)
    with pytest.raises(ToolError, match="traffic"):
        run_tool("start_experiment", {"traffic": 1.5}, ctx)


def test_surface_picks_between_two_running_experiments(ctx: ToolContext) -> None:
    run_tool("start_experiment", {"surface": "suggest"}, ctx)
    search_id = run_tool("start_experiment", {"surface": "search"}, ctx).data.experiment.experiment_id
    with pytest.raises(ToolError, match="Several experiments are running"):
        run_tool("experiment_results", {}, ctx)
    assert run_tool("experiment_results", {"surface": "search"}, ctx).data.experiment.experiment_id == search_id
