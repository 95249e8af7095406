"""The forecast chart: recent history, the forecast with its interval band, the peak window shaded."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tools import chart_style as style

#: History periods drawn before the forecast: enough to see the level, few enough to read the forecast.
HISTORY_SHOWN = 52


def render_forecast(path: Path, title: str, history: tuple[list[date], list[float]], future: list[date], yhat: list[float],
                    lower: list[float], upper: list[float], level: float, peak_window: tuple[date, date]) -> Path:
    """Write the PNG to `path` (parents created) and return it. Dates carry their year; the legend
    sits under the plot, never on the curve."""
    fig, ax = style.figure(3.6)
    days, values = history[0][-HISTORY_SHOWN:], history[1][-HISTORY_SHOWN:]
    if days:
        ax.plot(days, values, color=style.MUTED, lw=1.2, label="history")
    ax.fill_between(future, lower, upper, color=style.INTERVAL, alpha=0.45, lw=0, label=f"{level:.0%} interval")
    ax.plot(future, yhat, color=style.PALETTE[0], lw=2, marker="o", ms=3, label="forecast")
    half = (future[1] - future[0]) / 2 if len(future) > 1 else timedelta(days=3)  # a one-period window is a visible band, not a line
    ax.axvspan(peak_window[0] - half, peak_window[1] + half, color=style.HIGHLIGHT, alpha=0.35, zorder=0, label="peak window")
    ax.set_title(title, loc="left")
    ax.set_ylabel("units per period")
    ax.set_ylim(bottom=0)
    style.date_axis(ax)
    style.legend_below(fig)
    return style.save(fig, path)
