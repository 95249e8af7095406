"""The forecast chart: recent history, the forecast with its interval band, the peak window shaded."""
from __future__ import annotations

from datetime import date
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
    ax.axvspan(peak_window[0], peak_window[1], color=style.HIGHLIGHT, alpha=0.35, zorder=0, label="peak window")
    ax.set_title(title, loc="left")
    ax.set_ylabel("units per period")
    ax.set_ylim(bottom=0)
    style.date_axis(ax)
    style.legend_below(fig)
    return style.save(fig, path)
