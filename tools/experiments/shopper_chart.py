"""The chart of `shopper_analytics`: the funnel (users at each step, rate from the step before) and,
beside it, where in the list shoppers clicked suggestions."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.experiments.shopper_analytics import ShopperAnalyticsData


def shopper_chart(data: "ShopperAnalyticsData", path: Path, title: str) -> Path:
    from tools import chart_style as style
    from tools.experiments.shopper_analytics import STEP_LABELS

    fig, (left, right) = style.figure(3.4, ncols=2, gridspec_kw={"width_ratios": [3, 2]})
    steps = data.funnel
    left.barh(range(len(steps))[::-1], [s.users for s in steps], color=style.PALETTE[0])
    left.set_yticks(range(len(steps))[::-1], [STEP_LABELS[s.step] for s in steps])
    for y, s in zip(range(len(steps))[::-1], steps):
        left.text(s.users, y, f" {s.users:,}" + (f" ({s.rate_from_previous:.0%})" if s.rate_from_previous is not None else ""), va="center", fontsize=8)
    left.set_xlabel("users")
    left.set_title(title, loc="left")
    left.margins(x=0.25)
    if data.clicked_positions:
        right.bar([p.position for p in data.clicked_positions], [p.clicks for p in data.clicked_positions], color=style.PALETTE[1])
        right.set_xlabel("position of the clicked suggestion")
        right.set_ylabel("clicks")
    else:
        right.axis("off")
        right.text(0.5, 0.5, "no suggestion clicks", ha="center", va="center", color=style.MUTED, transform=right.transAxes)
    return style.save(fig, path)
