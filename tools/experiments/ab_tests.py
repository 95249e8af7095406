"""A/B tests of suggestion and search ranking: start, read and stop them from the chat or MCP.

A running experiment is served by the storefront API (bots/api): each user in its traffic share is
hashed to a variant (engines/experiments/assignment.py), their first serving is logged as an
exposure, and what they do afterwards (their /v1/events) is the outcome. `experiment_results`
reads it all back at every daily look, so the always-valid p-value it shows is what someone who
looked every day would have seen (formulas and citation: docs/experiments.md).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from engines.experiments.analysis import Analysis, Design, Observations, analyse
from engines.experiments.metrics import ACTION_CODE, METRIC_LABELS, Metric
from engines.experiments.sequential import required_per_arm
from memory.experiments import exposed_outcomes, exposures, get_experiment, list_experiments, save_experiment, stop_experiment_row
from memory.tables import ExperimentRow, utcnow
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.registry import register
from tools.schemas import StrictInput

Surface = Literal["suggest", "search"]
VariantKind = Literal["plain", "personalised"]
VARIANT_HELP = {"plain": "the ranking with no personalisation", "personalised": "reranked from the shopper's engagement"}
SURFACE_LABEL = {"suggest": "suggestions", "search": "search ranking"}


class StartExperimentInput(StrictInput):
    name: str | None = Field(default=None, max_length=200, description="A name to refer to it by; unset = made from the surface and variants.", examples=["personalised suggestions"])
    surface: Surface = Field(default="suggest", description="What is tested: autosuggest (/v1/suggest) or search ranking (/v1/search).", examples=["suggest"])
    variants: list[VariantKind] = Field(default=["plain", "personalised"], min_length=2, max_length=2,
                                        description="The arms; the first is the control. plain = no personalisation, personalised = reranked from engagement.", examples=[["plain", "personalised"]])
    traffic: float = Field(default=1.0, gt=0, le=1, description="Share of shoppers enrolled (0.5 = 50% of traffic); the rest keep today's ranking (personalised), unlogged.", examples=[0.5])
    metric: Metric = Field(default="click_rate", description="Primary metric the test decides on.", examples=["click_rate"])
    mde: float = Field(default=0.05, ge=0.005, le=1.0, description="Smallest relative effect worth detecting (0.05 = +5%): sets the sample size.", examples=[0.05])
    baseline: float | None = Field(default=None, gt=0, le=1_000_000, description="Expected control value of the metric (e.g. 0.2 click rate), for a sample size before data arrives.", examples=[0.2])
    alpha: float = Field(default=0.05, ge=0.001, le=0.2, description="False-positive rate the test guarantees, however often it is looked at.", examples=[0.05])

    @model_validator(mode="after")
    def _distinct(self) -> "StartExperimentInput":
        if len(set(self.variants)) != len(self.variants):
            raise ValueError(f"variants must differ: {self.variants} compares a ranking with itself")
        return self


class ExperimentRef(StrictInput):
    experiment_id: str | None = Field(default=None, max_length=40, description="Experiment id (exp-…); unset = the running one (else the latest).", examples=["exp-1a2b3c4d"])
    surface: Surface | None = Field(default=None, description="Without an id: the experiment on suggestions or on search ranking.", examples=["suggest"])


class StopExperimentInput(ExperimentRef):
    reason: str | None = Field(default=None, max_length=300, description="Why it was stopped (kept with it).", examples=["personalised won"])


class ExperimentInfo(BaseModel):
    experiment_id: str
    name: str
    surface: Surface
    variants: list[str]
    weights: list[float]
    traffic: float
    metric: str
    mde: float
    alpha: float
    baseline: float | None
    status: str
    started_at: datetime
    stopped_at: datetime | None = None


class StartExperimentData(BaseModel):
    experiment: ExperimentInfo
    planned_per_arm: int | None = Field(description="Users per arm the always-valid test needs for 80% power at the MDE (needs a baseline).")


class ExperimentResultsData(BaseModel):
    experiment: ExperimentInfo
    analysis: Analysis
    verdict: str


class StartExperimentOutput(ToolOutput):
    data: StartExperimentData


class ExperimentResultsOutput(ToolOutput):
    data: ExperimentResultsData


def info(row: ExperimentRow) -> ExperimentInfo:
    return ExperimentInfo(experiment_id=row.id, name=row.name, surface=row.surface, variants=[v["name"] for v in row.variants],  # type: ignore[arg-type]
                          weights=[v["weight"] for v in row.variants], traffic=row.traffic, metric=row.primary_metric, mde=row.mde, alpha=row.alpha,
                          baseline=row.baseline, status=row.status, started_at=row.started_at, stopped_at=row.stopped_at)


def pick_experiment(ctx: ToolContext, experiment_id: str | None, surface: str | None = None, *, running_only: bool = False) -> ExperimentRow:
    """The named experiment, else the running one (on `surface`), else (unless `running_only`) the latest."""
    if experiment_id:
        row = get_experiment(ctx.settings, ctx.owner, experiment_id)
        if row is None:
            known = [r.id for r in list_experiments(ctx.settings, ctx.owner)]
            raise ToolError("not_found", f"No experiment has the id {experiment_id!r}.", field="experiment_id", options=known)
        return row
    running = list_experiments(ctx.settings, ctx.owner, status="running", surface=surface)
    if len(running) > 1:
        raise ToolError("invalid_argument", "Several experiments are running; say which one.", field="experiment_id", options=[f"{r.id} ({r.name})" for r in running])
    if running:
        return running[0]
    latest = [] if running_only else list_experiments(ctx.settings, ctx.owner, surface=surface)
    if not latest:
        on = f" on {SURFACE_LABEL[surface]}" if surface else ""
        raise ToolError("not_found", f"No experiment is running{on}" + ("" if running_only else " and none was ever started") + ": start one with start_experiment, e.g. \"start an A/B test of personalised vs plain suggestions on 50% of traffic\".", field="experiment_id")
    return latest[0]


def _p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def _pct(x: float | None, metric: str) -> str:
    if x is None:
        return "n/a"
    return f"{x:,.2f}" if metric == "revenue_per_user" else f"{x:.1%}"


@register("start_experiment", engine="experiments", input_model=StartExperimentInput, output_model=StartExperimentOutput, description="""
Start an A/B test of suggestions or search ranking served by the storefront API: variants (plain vs
personalised), share of traffic, primary metric (click_rate, ctr, add_to_cart_rate, conversion,
revenue_per_user) and minimum detectable effect. Use for "start an A/B test of personalised vs plain
suggestions on 50% of traffic".
""")
def start_experiment(inp: StartExperimentInput, ctx: ToolContext) -> StartExperimentOutput:
    clash = list_experiments(ctx.settings, ctx.owner, status="running", surface=inp.surface)
    if clash:
        raise ToolError("invalid_argument", f"Experiment {clash[0].id} ('{clash[0].name}') is already running on {SURFACE_LABEL[inp.surface]}; "
                        "two at once would split the same shoppers and confound each other. Stop it first (stop_experiment).", field="surface")
    name = inp.name or f"{' vs '.join(inp.variants)} {SURFACE_LABEL[inp.surface]}"
    weight = 1.0 / len(inp.variants)
    row = save_experiment(ctx.settings, ExperimentRow(id=f"exp-{uuid.uuid4().hex[:8]}", owner=ctx.owner.key, name=name, surface=inp.surface,
                                                      variants=[{"name": v, "weight": weight} for v in inp.variants], traffic=inp.traffic,
                                                      primary_metric=inp.metric, mde=inp.mde, alpha=inp.alpha, baseline=inp.baseline))
    planned = None
    if inp.baseline is not None and inp.metric != "revenue_per_user" and inp.baseline < 1:
        planned = required_per_arm(inp.baseline * (1 - inp.baseline), inp.mde * inp.baseline, inp.alpha)
    arms = " vs ".join(f"{v} ({VARIANT_HELP[v]})" for v in inp.variants)
    summary = (f"Started experiment {row.id} '{name}': {arms}, on {inp.traffic:.0%} of shoppers split evenly (the rest keep today's ranking), deciding on {METRIC_LABELS[inp.metric]} "
               f"with an always-valid test at α={inp.alpha:g} (safe to check daily). ")
    summary += (f"To detect a {inp.mde:+.0%} change from {_pct(inp.baseline, inp.metric)} it needs about {planned:,} shoppers per arm. " if planned
                else f"The sample size for a {inp.mde:+.0%} change is computed once the control has data. ")
    summary += (f"The storefront API's /v1/{inp.surface} now serves each enrolled user_id its variant (storefront keys set as KEY={ctx.owner.key} in CAESER_API_KEYS); "
                "ask \"how is the test doing?\" for results.")
    return StartExperimentOutput(summary=summary, data=StartExperimentData(experiment=info(row), planned_per_arm=planned), source="experiments store (SQL)")


def observations(ctx: ToolContext, row: ExperimentRow) -> Observations:
    """Exposed users and their later events as day offsets from the start (memory/experiments.py)."""
    names = [v["name"] for v in row.variants]
    end = row.stopped_at or utcnow()
    exposed = exposures(ctx.settings, ctx.owner, row.id)
    index = {user: i for i, (user, _, _) in enumerate(exposed)}
    start = _aware(row.started_at)

    def day(at: datetime) -> int:
        return max(0, (_aware(at) - start) // timedelta(days=1))

    outcomes = [o for o in exposed_outcomes(ctx.settings, ctx.owner, row.id, row.stopped_at) if o[0] in index and o[1] in ACTION_CODE]
    return Observations(user_variant=np.array([names.index(v) if v in names else -1 for _, v, _ in exposed], dtype=int),
                        user_day=np.array([day(at) for _, _, at in exposed], dtype=int),
                        ev_user=np.array([index[u] for u, _, _, _ in outcomes], dtype=int),
                        ev_action=np.array([ACTION_CODE[a] for _, a, _, _ in outcomes], dtype=int),
                        ev_value=np.array([float(v or 0.0) for _, _, v, _ in outcomes]),
                        ev_day=np.array([day(at) for _, _, _, at in outcomes], dtype=int),
                        days=day(end) + 1)


def _aware(at: datetime) -> datetime:
    """SQLite hands datetimes back naive (they were stored as UTC)."""
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def verdict(row: ExperimentRow, analysis: Analysis) -> str:
    """The sentence a marketer acts on: a winner, a loser, not yet (and how long), or broken."""
    label = METRIC_LABELS[row.primary_metric]
    if analysis.srm:
        return (f"Do not trust these numbers yet: the arms hold {', '.join(f'{v.users:,}' for v in analysis.variants)} users where the split promised equal "
                f"shares (sample-ratio mismatch, p={analysis.srm_p:.1g}); check that every variant logs its servings.")
    if sum(v.users for v in analysis.variants) == 0:
        return f"No shopper has been served yet: the storefront must call /v1/{row.surface} with a user_id for users to enter the test."
    parts = []
    for c in analysis.comparisons:
        lift = "n/a" if c.lift is None else f"{c.lift:+.1%}"
        if c.significant and (c.diff or 0) > 0:
            parts.append(f"{c.variant} beats {analysis.variants[0].name} on {label}: {_pct(c.value, row.primary_metric)} vs {_pct(c.control, row.primary_metric)} ({lift}, always-valid {_p(c.p_value)})")
        elif c.significant:
            parts.append(f"{c.variant} is worse than {analysis.variants[0].name} on {label}: {_pct(c.value, row.primary_metric)} vs {_pct(c.control, row.primary_metric)} ({lift}, always-valid {_p(c.p_value)})")
        else:
            needed = "would have been" if row.status == "stopped" else "are"
            more = (f"about {analysis.remaining_per_arm:,} more users per arm {needed} needed to detect a {row.mde:+.0%} change"
                    if analysis.remaining_per_arm else "the planned sample is reached, so any real effect is smaller than the planned MDE" if analysis.remaining_per_arm == 0 else "the sample size is known once the control has clicks")
            parts.append(f"no significant difference yet between {c.variant} and {analysis.variants[0].name} on {label} "
                         f"({_pct(c.value, row.primary_metric)} vs {_pct(c.control, row.primary_metric)}, {lift}, always-valid {_p(c.p_value)}); {more}")
    return "; ".join(parts) + "."


def readout(row: ExperimentRow, ctx: ToolContext, lead: str) -> ExperimentResultsOutput:
    names = [v["name"] for v in row.variants]
    analysis = analyse(Design([(v["name"], v["weight"]) for v in row.variants], row.primary_metric, row.mde, row.alpha, baseline=row.baseline), observations(ctx, row))
    text = verdict(row, analysis)
    days = analysis.looks[-1].day + 1 if analysis.looks else 0
    counts = ", ".join(f"{v.name} {v.users:,} users" for v in analysis.variants)
    summary = f"{lead}Experiment {row.id} '{row.name}' ({row.status}, day {days}; {counts}): {text[0].upper()}{text[1:]}"
    charts = []
    if any(v.users for v in analysis.variants):
        from tools.experiments.chart import experiment_chart

        path = experiment_chart(analysis, names, _aware(row.started_at), row.primary_metric, row.alpha, ctx.charts_dir / f"{row.id}-{uuid.uuid4().hex[:6]}.png", f"{row.name}: {METRIC_LABELS[row.primary_metric]}")
        charts.append(Chart(path=str(path), title=f"{row.name}: {METRIC_LABELS[row.primary_metric]} by day and always-valid p-value"))
    return ExperimentResultsOutput(summary=summary, data=ExperimentResultsData(experiment=info(row), analysis=analysis, verdict=text), charts=charts,
                                   source="exposures and shopper events (SQL); mixture SPRT always-valid test (Johari et al. 2022), docs/experiments.md")


@register("experiment_results", engine="experiments", input_model=ExperimentRef, output_model=ExperimentResultsOutput, description="""
Results of an A/B test: per-variant click rate, CTR, add-to-cart rate, conversion and revenue per
user with confidence intervals, an always-valid significance test safe to check daily, a
sample-ratio check and the users still needed; with a chart. Use for "how is the suggestion test doing?".
""")
def experiment_results(inp: ExperimentRef, ctx: ToolContext) -> ExperimentResultsOutput:
    return readout(pick_experiment(ctx, inp.experiment_id, inp.surface), ctx, "")


@register("stop_experiment", engine="experiments", input_model=StopExperimentInput, output_model=ExperimentResultsOutput, description="""
Stop a running A/B test: every shopper gets the control again, and the final results are reported.
Use for "stop the suggestion test" or "end experiment exp-1a2b3c4d".
""")
def stop_experiment(inp: StopExperimentInput, ctx: ToolContext) -> ExperimentResultsOutput:
    row = pick_experiment(ctx, inp.experiment_id, inp.surface, running_only=True)
    if row.status != "running":
        raise ToolError("invalid_argument", f"Experiment {row.id} was already stopped on {row.stopped_at:%Y-%m-%d}.", field="experiment_id")  # type: ignore[union-attr]
    stopped = stop_experiment_row(ctx.settings, ctx.owner, row.id, inp.reason or "stopped")
    assert stopped is not None
    return readout(stopped, ctx, f"Stopped. Every shopper is back on the default {SURFACE_LABEL[row.surface]} (personalised from their engagement when the request names the user). Final: ")
