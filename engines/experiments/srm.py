"""Sample-ratio mismatch: are the arms' user counts what the split promised?

WHY: when assignment or logging is broken (one variant's page errors before it logs, a bot hits one
arm), the counts drift from the split and every metric is biased; the chi-square goodness-of-fit
test χ² = Σ (observed − expected)² / expected on k−1 degrees of freedom flags it. The threshold is
p < 0.001, the usual one (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled
Experiments", KDD 2019), since the check runs at every look.
"""
from __future__ import annotations

from collections.abc import Sequence

from scipy.stats import chi2

SRM_P = 0.001


def srm_p_value(counts: Sequence[int], weights: Sequence[float]) -> float | None:
    """The chi-square p-value of `counts` against the split `weights` (None below 2 users)."""
    total = sum(counts)
    if total < 2:
        return None
    wsum = sum(weights)
    stat = sum((c - total * w / wsum) ** 2 / (total * w / wsum) for c, w in zip(counts, weights))
    return float(chi2.sf(stat, len(counts) - 1))
