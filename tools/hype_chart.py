"""The hype timeline chart: posts per day as bars, mean sentiment per day as a line, the scored
window shaded. One PNG per (subject, window, data state), so a repeated request reuses the file."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pydantic import BaseModel  # noqa: E402


class TimelinePoint(BaseModel):
    date: str  # ISO day, UTC
    posts: int
    sentiment_mean: float | None


def render_timeline(path: Path, title: str, points: list[TimelinePoint], window: tuple[str, str]) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    days = [p.date[5:] for p in points]
    ax.bar(days, [p.posts for p in points], color="#9ab8d8", label="posts/day")
    ax.set_ylabel("posts per day")
    inside = [i for i, p in enumerate(points) if window[0] <= p.date <= window[1]]
    if inside:
        ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, color="#ffe9a8", alpha=0.5, zorder=0, label="scored window")
    twin = ax.twinx()
    twin.plot(days, [p.sentiment_mean if p.sentiment_mean is not None else float("nan") for p in points], color="#c0392b", marker="o", label="mean sentiment")
    twin.set_ylim(-1, 1)
    twin.set_ylabel("sentiment (−1…1)")
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
