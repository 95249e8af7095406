"""The launch simulation chart: weekly new buyers per scenario, the best one with its seed interval."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Curves drawn: more than this and the picture stops being readable; the table has them all.
MAX_CURVES = 8


def render_adoption(path: Path, title: str, labels: list[str], curves: list[np.ndarray], best: int, band: tuple[np.ndarray, np.ndarray]) -> Path:
    """`curves[i]` is scenario i's mean weekly new buyers; `band` the best one's 5–95% across seeds.
    The best scenario is drawn thick; the others (up to MAX_CURVES − 1, in the given order) thin."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 3.8), dpi=110)
    weeks = np.arange(1, len(curves[best]) + 1)
    ax.fill_between(weeks, band[0], band[1], color="#9ab8d8", alpha=0.5, label="best: 5–95% across seeds")
    others = [i for i in range(len(curves)) if i != best][: MAX_CURVES - 1]
    for i in others:
        ax.plot(weeks, curves[i], lw=1.1, alpha=0.8, label=labels[i])
    ax.plot(weeks, curves[best], color="#1f5fa8", lw=2.4, label=f"best: {labels[best]}")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("launch week")
    ax.set_ylabel("new buyers per week")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
