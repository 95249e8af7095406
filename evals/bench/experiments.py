"""Benchmark: does the experiments engine's test keep its promises when people look every day?

Simulated shoppers are the persona engine's population (engines/persona: 200,000 synthetic adults
with their traits); shopper i clicks a suggestion with a known probability
pᵢ = base · wᵢ / mean(w), wᵢ = novelty · (0.5 + web share of their channel mix), so the population
click rate is exactly `base` while individuals differ by the traits a storefront would see.
Each experiment draws users from that population, assigns them to two arms, spreads them evenly
over `days` days and looks at the end of every day:
- A/A: both arms the same rates. The always-valid test (mSPRT, engines/experiments/sequential.py)
  rejects if Λ ≥ 1/α at any look; the fixed-horizon two-sided z-test "peeked at" daily rejects if
  |z| ≥ 1.96 at any look (the naive practice the sequential test replaces).
- A/B: the treatment's rates are pᵢ·(1 + mde), the planned effect, and the horizon is the sample size
  `required_per_arm` plans for; power = share of experiments the test stops with a win.
The arms are split by the engine's own hash assignment once (a check of its balance, by the
sample-ratio test, is printed) and by the generator in the vectorised runs, which need millions of
draws. Target: aa_false_positive ≤ 0.05, power ≥ 0.80.
Run: `python -m evals.bench.experiments [--experiments 1000 --days 14 --base 0.2 --mde 0.1]`.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np

from engines.experiments.assignment import assign
from engines.experiments.sequential import fixed_horizon_per_arm, log_lambda, required_per_arm
from engines.experiments.srm import srm_p_value
from engines.persona.population import sample_population, stats_for
from engines.persona.traits import default_channel_table, sample_traits

BATCH = 50


def click_propensity(n: int, base: float, rng: np.random.Generator) -> np.ndarray:
    """Per-shopper click probabilities from persona traits, scaled to mean `base`."""
    buyers = sample_traits(sample_population(stats_for("Global"), n, rng), rng, ref_price=50.0, channels=default_channel_table())
    w = buyers.novelty.astype(float) * (0.5 + buyers.channel_mix[:, 0].astype(float))
    return np.clip(base * w / w.mean(), 0.0, 0.95)


def run(p: np.ndarray, experiments: int, per_arm: int, days: int, lift: float, tau2: float, alpha: float, rng: np.random.Generator) -> tuple[float, float]:
    """(always-valid rejection rate, naive daily-peeking z-test rejection rate) over `experiments`."""
    per_day = math.ceil(per_arm / days)
    n_day = per_day * np.arange(1, days + 1)
    crit, z_crit = math.log(1 / alpha), 1.959963984540054
    seq = naive = 0
    for start in range(0, experiments, BATCH):
        b = min(BATCH, experiments - start)
        probs = p[rng.integers(0, len(p), size=(b, 2, days, per_day))]
        probs[:, 1] *= 1 + lift
        clicks = (rng.random(probs.shape, dtype=np.float32) < probs).sum(-1).cumsum(-1)  # (b, arm, day) cumulative
        rate = clicks / n_day
        s2 = (rate * (1 - rate) / n_day).sum(1)
        diff = rate[:, 1] - rate[:, 0]
        seq += int((log_lambda(diff, s2, tau2) >= crit).any(-1).sum())
        naive += int((np.abs(diff) >= z_crit * np.sqrt(np.where(s2 > 0, s2, np.inf))).any(-1).sum())
    return seq / experiments, naive / experiments


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiments", type=int, default=2000)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--base", type=float, default=0.2, help="click rate of the control")
    ap.add_argument("--mde", type=float, default=0.10, help="planned relative effect")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    p = click_propensity(200_000, args.base, rng)
    sigma2, mde_abs = args.base * (1 - args.base), args.base * args.mde
    per_arm = required_per_arm(sigma2, mde_abs, args.alpha, 0.8)
    arms = [assign("bench-experiment", f"shopper-{i}", [("control", 0.5), ("treatment", 0.5)]) for i in range(20_000)]
    counts = [arms.count("control"), arms.count("treatment")]
    print(f"population: 200,000 persona shoppers, click rate mean {p.mean():.3f} (sd {p.std():.3f}, min {p.min():.3f}, max {p.max():.3f})")
    print(f"hash assignment of 20,000 shoppers: {counts[0]:,} / {counts[1]:,}, sample-ratio p = {srm_p_value(counts, [0.5, 0.5]):.3f}")
    print(f"plan: base {args.base:.0%}, mde +{args.mde:.0%} (abs {mde_abs:.3f}), α={args.alpha}: {per_arm:,} users per arm "
          f"(fixed-horizon z-test would need {fixed_horizon_per_arm(sigma2, mde_abs, args.alpha):,}), looked at daily for {args.days} days")
    aa, naive = run(p, args.experiments, per_arm, args.days, 0.0, mde_abs**2, args.alpha, rng)
    power, naive_power = run(p, args.experiments, per_arm, args.days, args.mde, mde_abs**2, args.alpha, rng)
    print(f"{'':28}{'always-valid (mSPRT)':>22}{'z-test peeked daily':>22}")
    print(f"{'A/A false positive rate':28}{aa:>22.3f}{naive:>22.3f}")
    print(f"{'power at the planned effect':28}{power:>22.3f}{naive_power:>22.3f}")
    print(f"targets: aa ≤ 0.05 {'OK' if aa <= 0.05 else 'MISSED'}, power ≥ 0.80 {'OK' if power >= 0.8 else 'MISSED'}; {time.perf_counter() - t0:.1f} s")
    print(f"experiments aa_false_positive={aa:.3f} power={power:.3f} naive_peeking_false_positive={naive:.3f} (n={args.experiments} experiments)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
