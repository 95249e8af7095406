"""The forecast chart: recent history, the forecast with its interval band, the peak window shaded."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: History periods drawn before the forecast: enough to see the level, few enough to read the forecast.
HISTORY_SHOWN = 52


def render_forecast(path: Path, title: str, history: tuple[list[date], list[float]], future: list[date], yhat: list[float],
                    lower: list[float], upper: list[float], level: float, peak_window: tuple[date, date]) -> Path:
    """Write the PNG to `path` (parents created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    days, values = history[0][-HISTORY_SHOWN:], history[1][-HISTORY_SHOWN:]
    if days:
        ax.plot(days, values, color="#555555", lw=1.2, label="history")
    ax.fill_between(future, lower, upper, color="#9ab8d8", alpha=0.5, label=f"{level:.0%} interval")
    ax.plot(future, yhat, color="#1f5fa8", lw=2, marker="o", ms=3, label="forecast")
    ax.axvspan(peak_window[0], peak_window[1], color="#ffe9a8", alpha=0.6, zorder=0, label="peak window")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("units")
    ax.legend(fontsize=8, loc="upper left")
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
