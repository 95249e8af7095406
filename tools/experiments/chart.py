"""The chart of `experiment_results`: the primary metric per variant at each daily look, and under
it the always-valid p-value with the α line (it may only go down: crossing α is a decision).
The x axis counts days of the experiment (a test is read by its age), at least a week wide, so a
first-day readout is a point at day 1 rather than a lone dot on a calendar."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from engines.experiments.analysis import Analysis

MIN_DAYS = 7


def _p_label(p: float, _pos: int = 0) -> str:
    return f"{p:.0f}" if p >= 1 else f"{p:.10f}".rstrip("0")


def experiment_chart(analysis: Analysis, names: list[str], start: datetime, metric: str, alpha: float, path: Path, title: str) -> Path:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from tools import chart_style as style

    fig, (top, bottom) = style.figure(5.2, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    days = [look.day + 1 for look in analysis.looks]
    for i, name in enumerate(names):
        values = [look.values[i] for look in analysis.looks]
        top.plot(days, [float("nan") if v is None else v for v in values], marker="o", markersize=4, label=name, color=style.PALETTE[i])
    top.set_ylabel(metric.replace("_", " "))
    if metric != "revenue_per_user":
        top.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0%}" if abs(x) >= 0.1 or x == 0 else f"{x:.1%}"))
    top.set_title(title, loc="left")
    for i, name in enumerate(names[1:]):
        bottom.plot(days, [look.p_values[i] for look in analysis.looks], marker="o", markersize=4, color=style.PALETTE[i + 1], label=f"{name} vs {names[0]}: always-valid p")
    bottom.axhline(alpha, color=style.MUTED, linestyle="--", linewidth=1, label=f"α = {alpha:g}")
    bottom.set_yscale("log")
    low = min((p for look in analysis.looks for p in look.p_values), default=1.0)
    bottom.set_ylim(max(min(alpha / 10, low / 2), 1e-12), 1.5)
    bottom.yaxis.set_major_formatter(FuncFormatter(_p_label))
    bottom.yaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
    bottom.set_ylabel("p-value")
    bottom.set_xlabel(f"day of the experiment (started {start:%d %b %Y})")
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    bottom.set_xlim(0.5, max(max(days, default=1), MIN_DAYS) + 0.5)
    style.legend_below(fig, ncol=3)
    return style.save(fig, path)
