"""The launch readout's own charts: the hero (revenue of each what-if scenario with its interval)
and who buys (adoption by age band, with the band's affinity lift).

The engines' charts (forecast, simulation curves, hype timeline) are reused as they are; these two
show what only the readout knows: the scenarios side by side and the segments ranked together.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from tools import chart_style as style
from tools.formatting import money, pct

#: Scenarios drawn in the hero chart (the best by revenue); the simulation section's table has them all.
HERO_BARS = 8


def render_hero(path: Path, title: str, labels: list[str], revenue: list[float], low: list[float], high: list[float], best: int, asked: set[int]) -> Path:
    """Horizontal bars of simulated revenue, best first, each with its 5–95% interval across seeds;
    the recommended scenario in the accent colour, those at the asked price marked."""
    order = sorted(range(len(labels)), key=lambda i: -revenue[i])[:HERO_BARS]
    fig, ax = style.figure(0.9 + 0.36 * len(order))
    y = np.arange(len(order))[::-1]
    colours = [style.PALETTE[0] if i == best else (style.PALETTE[1] if i in asked else style.MUTED) for i in order]
    values = np.array([revenue[i] for i in order])
    err = np.array([[revenue[i] - low[i] for i in order], [high[i] - revenue[i] for i in order]]).clip(min=0)
    ax.barh(y, values, color=colours, height=0.62, xerr=err, error_kw={"ecolor": "#222222", "elinewidth": 1, "capsize": 3})
    ax.set_yticks(y, [labels[i] + ("  (asked price)" if i in asked else "") for i in order])
    for yy, i in zip(y, order):
        ax.text(high[i], yy, f"  {money(revenue[i])}", va="center", fontsize=8)
    ax.set_xlim(0, max(high[i] for i in order) * 1.22)
    ax.xaxis.set_major_formatter(lambda v, _: money(v))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("simulated revenue over the horizon (bars: mean; whiskers: 5–95% across seeds)")
    ax.set_title(title, loc="left")
    return style.save(fig, path)


def render_segments(path: Path, title: str, segments: list[str], adoption: list[float], lift: list[float | None]) -> Path:
    """Adoption per age band in the best scenario; bands with survey data are coloured and carry
    their tag lift, bands the surveys do not cover are grey."""
    fig, ax = style.figure(3.0)
    x = np.arange(len(segments))
    colours = [style.PALETTE[2] if v is not None else "#bbbbbb" for v in lift]
    ax.bar(x, adoption, color=colours, width=0.6)
    for xx, a, v in zip(x, adoption, lift):
        ax.text(xx, a, f"{pct(a)}\n" + (f"lift {v:.2f}×" if v is not None else "no survey"), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, segments)
    ax.set_ylim(0, max(adoption) * 1.35 if adoption else 1)
    ax.yaxis.set_major_formatter(lambda v, _: pct(v))
    ax.set_ylabel("share of the band who bought")
    ax.grid(axis="x", visible=False)
    ax.set_title(title, loc="left")
    return style.save(fig, path)
