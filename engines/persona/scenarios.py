"""What-if: several launch scenarios over the same synthetic buyers, with intervals across seeds.

WHY common random numbers: two scenarios compared on independent random draws differ by their
effect *and* by noise; with the same population draws and the same weekly uniforms (per seed),
the noise is shared and cancels in the difference (`simulate` explains why this also makes
adoption monotone in price and hype). Seeds are independent replications: each redraws the
population and the uniforms, and the spread of a figure across seeds is its Monte Carlo interval.

Per scenario and seed s: units_s = adopters_s / sample · population (the simulated sample is a
random sample of the population), revenue_s = units_s · price. Reported: the mean over seeds and
the 5th–95th percentile across seeds. The best scenario maximises mean revenue (or units); its
lead over the runner-up is the paired difference per seed, d_s = x_best,s − x_runner,s, reported
with how many seeds it was ahead in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from engines.persona.population import sample_population, stats_for
from engines.persona.seasonality import season_curve
from engines.persona.simulate import Adoption, Diffusion, simulate_buyers, weekly_uniforms
from engines.persona.traits import Buyers, ChannelTable, sample_traits

Objective = Literal["revenue", "units"]
INTERVAL = (5.0, 95.0)
#: Uniforms drawn once per replication and read by every scenario (float32, 64 MB); a larger
#: sample × weeks draws them per scenario, week by week, as a single run does.
MAX_SHARED_DRAWS = 16_000_000


@dataclass(frozen=True)
class Scenario:
    label: str
    price: float
    region: str | None
    start: date
    channel: str | None
    hype: float


@dataclass(frozen=True)
class BuyerFactory:
    """Builds a region's buyers for a seed: population then traits, from one generator seeded by
    (*key, 0), so every region is drawn with the same random numbers."""

    ref_price: float
    channels: ChannelTable
    affinity_lift: np.ndarray | None = None

    def build(self, region: str | None, n: int, key: list[int]) -> Buyers:
        rng = np.random.default_rng([*key, 0])
        population = sample_population(stats_for(region), n, rng)
        return sample_traits(population, rng, ref_price=self.ref_price, channels=self.channels, affinity_lift=self.affinity_lift)


@dataclass(frozen=True)
class ScenarioRun:
    scenario: Scenario
    units: np.ndarray  # (seeds,) scaled to the population
    revenue: np.ndarray  # (seeds,)
    weekly: np.ndarray  # (seeds, weeks) new buyers a week, scaled
    by_segment: np.ndarray  # (N_SEGMENTS,) share of the scenario's buyers, mean over seeds
    by_profile: np.ndarray | None = None  # (N_PROFILES,) share of the scenario's buyers per `simulate.buyer_profile`, mean over seeds
    profile_population: np.ndarray | None = None  # (N_PROFILES,) share of the people simulated, mean over seeds

    @property
    def peak_week(self) -> int:
        """Launch week (1-based) with the most new buyers on the mean curve."""
        return int(self.weekly.mean(0).argmax()) + 1

    def interval(self, values: np.ndarray) -> tuple[float, float]:
        lo, hi = np.percentile(values, INTERVAL)
        return float(lo), float(hi)


def expand_grid(prices: list[float], regions: list[str | None], starts: list[date], channels: list[str | None], hype: float, price_sign: str = "$") -> list[Scenario]:
    """Every combination price × region × start × channel, labelled by what varies (prices with `price_sign`)."""
    scenarios = []
    for price in prices:
        for region in regions:
            for start in starts:
                for channel in channels:
                    parts = [f"{price_sign}{price:,.0f}" if len(prices) > 1 else "", (region or "Global") if len(regions) > 1 else "",
                             start.strftime("%b %Y") if len(starts) > 1 else "", (channel or "all channels") if len(channels) > 1 else ""]
                    label = " · ".join(p for p in parts if p) or "base"
                    scenarios.append(Scenario(label, price, region, start, channel, hype))
    return scenarios


def run_scenarios(scenarios: list[Scenario], factory: BuyerFactory, *, population: int, sample: int, weeks: int, seeds: int,
                  seed: int, params: Diffusion = Diffusion()) -> list[ScenarioRun]:
    """Every scenario under every seed. Replication s uses the key k = (seed, s) for the buyers and
    the uniforms alike (streams (seed, s, 0) and (seed, s, 1)); a region's buyers are built once per replication and shared by its scenarios,
    and so are the uniforms (drawn once per replication, unless they would exceed MAX_SHARED_DRAWS)."""
    scale = population / sample
    results: list[list[Adoption]] = [[] for _ in scenarios]
    share = len(scenarios) > 1 and weeks * sample <= MAX_SHARED_DRAWS
    for s in range(seeds):
        uniforms = weekly_uniforms([seed, s, 1], sample, weeks) if share else None
        for region in dict.fromkeys(sc.region for sc in scenarios):
            buyers = factory.build(region, sample, [seed, s])
            for i, sc in enumerate(scenarios):
                if sc.region == region:
                    results[i].append(simulate_buyers(buyers, price=sc.price, channel=sc.channel, hype=sc.hype,
                                                      season=season_curve(sc.start, weeks), params=params, entropy=[seed, s, 1], uniforms=uniforms))
    runs = []
    for sc, result in zip(scenarios, results, strict=True):
        units = np.array([r.total for r in result], dtype=float) * scale
        weekly = np.array([r.weekly for r in result], dtype=float) * scale
        segs = np.array([r.by_segment / max(r.total, 1) for r in result]).mean(0)
        profiles = np.array([r.by_profile / max(r.total, 1) for r in result]).mean(0)
        people = np.array([r.profile_size / max(r.n, 1) for r in result]).mean(0)
        runs.append(ScenarioRun(sc, units, units * sc.price, weekly, segs, profiles, people))
    return runs


TIE_SHARE = 0.01  # a lead under 1% of the best scenario's objective is a tie


@dataclass(frozen=True)
class Verdict:
    best: int
    runner_up: int | None
    lead: np.ndarray  # paired per-seed difference in the objective
    reason: str


def best_scenario(runs: list[ScenarioRun], objective: Objective, price_sign: str = "$") -> Verdict:
    """The scenario with the highest mean objective, and why, in words (money with `price_sign`)."""
    values = np.array([r.revenue if objective == "revenue" else r.units for r in runs])
    order = np.argsort(-values.mean(1), kind="stable")
    best = int(order[0])
    if len(runs) == 1:
        return Verdict(best, None, np.zeros(values.shape[1]), "it is the only scenario")
    second = int(order[1])
    lead = values[best] - values[second]
    b, r = runs[best], runs[second]
    ahead = int((lead > 0).sum())
    word = "revenue" if objective == "revenue" else "units"
    if 2 * ahead <= len(lead) or abs(lead.mean()) < TIE_SHARE * abs(values[best].mean()):
        # ahead in no more than half the seeds, or by under 1%: not a win, and no cause to name
        return Verdict(best, second, lead, f"{b.scenario.label} and {r.scenario.label} are level: {_fmt(lead.mean(), objective, price_sign)} {word} apart, "
                                           f"ahead in {ahead} of {len(lead)} seeds (same buyers and draws) — within the simulation's noise")
    pieces = [f"{b.scenario.label} leads {r.scenario.label} by {_fmt(lead.mean(), objective, price_sign)} {word} "
              f"(ahead in {ahead} of {len(lead)} seeds, same buyers and draws)"]
    if b.scenario.price != r.scenario.price:
        pieces.append(f"at {b.scenario.price / r.scenario.price:.2f}× the price it sells {b.units.mean() / max(r.units.mean(), 1e-9):.2f}× the units")
    if b.scenario.start != r.scenario.start:
        pieces.append(f"its first 8 weeks average a retail season index of {_season(b.scenario.start):.2f} against {_season(r.scenario.start):.2f}")
    if b.scenario.channel != r.scenario.channel:
        pieces.append(f"{b.scenario.channel or 'every channel'} reaches more buyers' preferred channel than {r.scenario.channel or 'every channel'}")
    if b.scenario.region != r.scenario.region:
        pieces.append(f"{b.scenario.region or 'Global'} has more buyers whose willingness to pay clears the price than {r.scenario.region or 'Global'}")
    return Verdict(best, second, lead, "; ".join(pieces))


def _season(start: date) -> float:
    return float(season_curve(start, 8).mean())


def _fmt(value: float, objective: Objective, price_sign: str) -> str:
    return f"{price_sign}{value:,.0f}" if objective == "revenue" else f"{value:,.0f}"

