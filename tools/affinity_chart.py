"""The heatmap of `compare_audiences`: items × audiences, coloured by log2 lift.

WHY log2 lift: 2× and ½× are equally far from "like everyone else", so a diverging map centred on
0 reads symmetrically; the cell text is the affinity (share who love it) a marketer quotes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def heatmap(lift: np.ndarray, affinity: np.ndarray, rows: list[str], cols: list[str], path: Path, title: str) -> Path:
    """Write the PNG and return its path. NaN cells (a source that can't answer) are grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.log2(np.where(np.isnan(lift), np.nan, np.maximum(lift, 1e-3)))
    bound = max(0.5, float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.5)
    fig, ax = plt.subplots(figsize=(1.6 + 1.5 * len(cols), 1.0 + 0.45 * len(rows)))
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#dddddd")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-bound, vmax=bound, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=20, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if not np.isnan(affinity[i, j]):
                ax.text(j, i, f"{affinity[i, j]:.0%}", ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="log2 lift vs everyone")
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
