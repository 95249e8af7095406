"""The launch simulation chart: weekly new buyers, one small panel per scenario shown, each with its
5–95% interval across seeds.

WHY small multiples: a what-if grid has up to 48 scenarios; eight thin lines on one axes cannot be
told apart. One panel per scenario (the best first, on a shared scale) shows each curve with its own
interval; the table under the chart lists every scenario.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from tools import chart_style as style

#: Panels drawn (the best scenarios by the objective); the table has them all.
MAX_PANELS = 6
COLUMNS = 3


def render_adoption(path: Path, title: str, labels: list[str], curves: list[np.ndarray], best: int, bands: list[tuple[np.ndarray, np.ndarray]]) -> Path:
    """`curves[i]` is scenario i's mean weekly new buyers and `bands[i]` its 5–95% across seeds, in
    the order to show; scenario `best` is drawn in the accent colour and, dashed, in every other
    panel for reference. At most MAX_PANELS panels."""
    shown = [best, *[i for i in range(len(curves)) if i != best]][:MAX_PANELS]
    rows = -(-len(shown) // COLUMNS)
    cols = min(COLUMNS, len(shown))
    fig, axes = style.figure(1.0 + 1.9 * rows, ncols=cols, nrows=rows, sharex=True, sharey=True, squeeze=False)
    weeks = np.arange(1, len(curves[best]) + 1)
    for n, ax in enumerate(axes.flat):
        if n >= len(shown):
            ax.set_visible(False)
            continue
        i = shown[n]
        colour = style.PALETTE[0] if i == best else style.PALETTE[1]
        ax.fill_between(weeks, bands[i][0], bands[i][1], color=colour, alpha=0.25, lw=0, label="5–95% across seeds" if n == 0 else None)
        if i != best:
            ax.plot(weeks, curves[best], color=style.PALETTE[0], lw=1, ls="--", label="best scenario" if n == 1 else None)
        ax.plot(weeks, curves[i], color=colour, lw=2, label="this scenario" if n == min(1, len(shown) - 1) else None)
        ax.set_title(("Best: " if i == best else "") + labels[i], fontsize=8, loc="left")
        ax.set_ylim(bottom=0)
        if n % cols == 0:
            ax.set_ylabel("new buyers / week")
        if n >= len(shown) - cols:
            ax.set_xlabel("launch week")
    axes.flat[0].xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    style.legend_below(fig, ncol=3)
    return style.save(fig, path)
