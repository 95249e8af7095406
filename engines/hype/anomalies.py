"""Anomaly flags that travel with a score and into alert texts: a hype number built on bots, copies
or a sudden mood swing should say so.

Rules (all on one window's metrics, thresholds in the constants below):
- bot_burst: duplicate_share ≥ 0.30 (copy-paste posts) or author_concentration ≥ 0.20 (a few
  accounts write most posts — an HHI of 0.2 is like five equal accounts holding everything).
- sentiment_flip: |sentiment_shift| ≥ 0.40 (the mean score moved by a fifth of its full range vs
  the previous window) or net sentiment changed sign with both windows at |net| ≥ 0.2.
- volume_spike: peak_ratio ≥ 6 with burstiness ≥ 0.3 (one hour holds six times the average).
"""
from __future__ import annotations

from pydantic import BaseModel

DUPLICATE_SHARE, CONCENTRATION = 0.30, 0.20
SENTIMENT_SHIFT, NET_FLIP = 0.40, 0.20
PEAK_RATIO, BURSTINESS = 6.0, 0.3
MIN_POSTS = 20


class Anomaly(BaseModel):
    kind: str
    message: str


def detect(current: dict[str, float], previous: dict[str, float] | None = None) -> list[Anomaly]:
    """Flags for the window with metrics `current` (previous window's metrics for the flip test)."""
    if current["volume"] < MIN_POSTS:
        return []
    out: list[Anomaly] = []
    if current["duplicate_share"] >= DUPLICATE_SHARE or current["author_concentration"] >= CONCENTRATION:
        out.append(Anomaly(kind="bot_burst", message=f"possible bot activity: {current['duplicate_share']:.0%} near-duplicate posts, "
                           f"top account wrote {current['top_author_share']:.0%}"))
    net_prev = previous["net_sentiment"] if previous and previous["volume"] >= MIN_POSTS else None
    flipped = net_prev is not None and net_prev * current["net_sentiment"] < 0 and min(abs(net_prev), abs(current["net_sentiment"])) >= NET_FLIP
    if abs(current["sentiment_shift"]) >= SENTIMENT_SHIFT or flipped:
        out.append(Anomaly(kind="sentiment_flip", message=f"sudden sentiment change: mean moved {current['sentiment_shift']:+.2f} vs the previous window"))
    if current["peak_ratio"] >= PEAK_RATIO and current["burstiness"] >= BURSTINESS:
        out.append(Anomaly(kind="volume_spike", message=f"volume spike: busiest hour is {current['peak_ratio']:.1f}× the hourly average"))
    return out
