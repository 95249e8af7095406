"""The hype timeline chart: posts per day as bars, mean sentiment per day as a line, the scored
window shaded. One PNG per (subject, window, data state), so a repeated request reuses the file."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from tools import chart_style as style


class TimelinePoint(BaseModel):
    date: str  # ISO day, UTC
    posts: int
    sentiment_mean: float | None


def render_timeline(path: Path, title: str, points: list[TimelinePoint], window: tuple[str, str]) -> Path:
    if path.exists():
        return path
    fig, ax = style.figure(3.4)
    days = [datetime.fromisoformat(p.date[:10]) for p in points]
    ax.bar(days, [p.posts for p in points], width=0.8, color=style.INTERVAL, label="posts per day")
    ax.set_ylabel("posts per day")
    inside = [d for d, p in zip(days, points) if window[0] <= p.date <= window[1]]
    if inside:
        half = timedelta(hours=12)
        ax.axvspan(inside[0] - half, inside[-1] + half, color=style.HIGHLIGHT, alpha=0.35, zorder=0, label="scored window")
    twin = ax.twinx()
    twin.plot(days, [p.sentiment_mean if p.sentiment_mean is not None else float("nan") for p in points], color=style.PALETTE[3], marker="o", ms=3, label="mean sentiment")
    twin.set_ylim(-1, 1)
    twin.set_ylabel("sentiment (−1…1)")
    twin.grid(False)
    twin.spines["right"].set_visible(True)
    ax.set_title(title, loc="left")
    style.date_axis(ax)
    style.legend_below(fig, ncol=3)
    return style.save(fig, path)
