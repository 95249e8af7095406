"""The heatmap of `compare_audiences`: items × audiences, coloured by lift on a log2 scale.

WHY log2 lift: 2× and ½× are equally far from "like everyone else", so a diverging map centred on
0 reads symmetrically; the cell text is the affinity (share who love it) a marketer quotes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def heatmap(lift: np.ndarray, affinity: np.ndarray, rows: list[str], cols: list[str], path: Path, title: str) -> Path:
    """Write the PNG and return its path. NaN cells (a source that can't answer) are grey. The colour
    bar is labelled in lift (½×, 1×, 2×), three to five ticks, so its labels never collide; long
    audience names wrap instead of being clipped."""
    import textwrap

    from matplotlib import colormaps

    from tools import chart_style as style

    values = np.log2(np.where(np.isnan(lift), np.nan, np.maximum(lift, 1e-3)))
    bound = float(np.ceil(max(1.0, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0)))
    fig, ax = style.figure(1.3 + 0.42 * len(rows))
    image = ax.imshow(np.ma.masked_invalid(values), cmap=colormaps[style.DIVERGING].with_extremes(bad="#dddddd"), vmin=-bound, vmax=bound, aspect="auto")
    ax.grid(False)
    ax.set_xticks(range(len(cols)), ["\n".join(textwrap.wrap(c, 22)) for c in cols])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)), [textwrap.shorten(r, 40, placeholder="…") for r in rows])
    for i in range(len(rows)):
        for j in range(len(cols)):
            if not np.isnan(affinity[i, j]):
                strong = abs(values[i, j]) > 0.6 * bound
                ax.text(j, i, f"{affinity[i, j]:.0%}", ha="center", va="center", fontsize=8, color="white" if strong else "black")
    ticks = np.arange(-bound, bound + 1)
    if len(ticks) > 5:
        ticks = np.linspace(-bound, bound, 5)
    bar = fig.colorbar(image, ax=ax, ticks=ticks, shrink=0.9, aspect=12)
    bar.ax.set_yticklabels([_times(2.0 ** t) for t in ticks])
    bar.set_label("lift vs everyone")
    ax.set_title(title, loc="left")
    return style.save(fig, path)


def _times(x: float) -> str:
    """A lift as people say it: '1×', '2×', '½×', '¼×'."""
    if x >= 1:
        return f"{x:.0f}×" if x == round(x) else f"{x:.1f}×"
    inverse = 1 / x
    return f"1/{inverse:.0f}×" if inverse != 2 else "½×"
