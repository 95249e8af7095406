"""The chart of `experiment_results`: the primary metric per variant at each daily look, and under
it the always-valid p-value with the α line (it may only go down: crossing α is a decision).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from engines.experiments.analysis import Analysis


def experiment_chart(analysis: Analysis, names: list[str], start: datetime, metric: str, alpha: float, path: Path, title: str) -> Path:
    from tools import chart_style as style

    fig, (top, bottom) = style.figure(5.2, nrows=2, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    days = [start + timedelta(days=look.day + 1) for look in analysis.looks]
    for i, name in enumerate(names):
        values = [look.values[i] for look in analysis.looks]
        top.plot(days, [float("nan") if v is None else v for v in values], marker="o", markersize=3, label=name, color=style.PALETTE[i])
    top.set_ylabel(metric.replace("_", " "))
    if metric != "revenue_per_user":
        top.yaxis.set_major_formatter(lambda x, _: f"{x:.0%}" if x >= 0.1 or x == 0 else f"{x:.1%}")
    top.set_title(title, loc="left")
    for i, name in enumerate(names[1:]):
        bottom.plot(days, [look.p_values[i] for look in analysis.looks], color=style.PALETTE[i + 1], label=f"{name} vs {names[0]}: always-valid p")
    bottom.axhline(alpha, color=style.MUTED, linestyle="--", linewidth=1, label=f"α = {alpha:g}")
    bottom.set_yscale("log")
    bottom.set_ylim(min(alpha / 10, min((p for look in analysis.looks for p in look.p_values), default=1.0) / 2), 1.05)
    bottom.set_ylabel("p-value")
    style.date_axis(bottom)
    style.legend_below(fig, ncol=3)
    return style.save(fig, path)
