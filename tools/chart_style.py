"""One look for every chart caeser draws: size, palette, fonts, date axes and legends.

WHY one module: a readout puts five engines' charts on consecutive pages; if each picks its own
width, colours and date format they read as five products. Rules every chart follows:
- width `WIDTH` inches at `DPI`, so a chart placed at the PDF's text width is never upscaled;
- the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
- date axes always show the year (`date_axis`), ticks never collide (`AutoDateLocator`);
- legends sit outside the plotting area (`legend_below`), so they never cover data;
- `save` lays out with `constrained` layout and a tight bounding box, so no label is clipped.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

WIDTH = 8.0  # inches; the PDF draws charts at its text width (about 6.7 in), so this is scaled down, never up
DPI = 130
#: Okabe & Ito (2008): blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow, black.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
INTERVAL = "#56B4E9"  # interval bands: the palette's sky blue, drawn translucent
HIGHLIGHT = "#F0E442"  # shaded windows (peak, scored window): the palette's yellow, translucent
MUTED = "#6b6b6b"  # history and reference lines
MAX_LINES = 5  # more lines than this on one axes cannot be told apart: use small multiples
DIVERGING = "PuOr"  # colour-blind-safe diverging map (orange ↔ purple) for lifts around 1×

RC = {"font.family": "DejaVu Sans", "font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 8, "ytick.labelsize": 8,
      "legend.fontsize": 8, "axes.spines.top": False, "axes.spines.right": False, "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
      "axes.grid": True, "grid.alpha": 0.25, "text.parse_math": False}


matplotlib.rcParams.update(RC)  # process-wide: twin axes and figure legends made later get the same style


def figure(height: float, ncols: int = 1, nrows: int = 1, **kw: Any) -> tuple[Any, Any]:
    """A figure of the house width; `Figure.subplots` arguments pass through.

    WHY a bare `Figure`, not pyplot: pyplot keeps global state that is not thread-safe (servers
    draw charts for concurrent requests) and costs ~0.3 s of every chat process's start."""
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    return fig, fig.subplots(nrows, ncols, **kw)


def date_axis(ax: Any) -> None:
    """Dates with years: 'Jan 2027', or days as '17 Feb 2015' when the span is short; the locator
    picks as many ticks as fit, so labels never overlap."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    formatter = mdates.ConciseDateFormatter(locator, formats=["%Y", "%b %Y", "%d %b %Y", "%H:%M", "%H:%M", "%S"],
                                            offset_formats=["", "", "", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"], show_offset=False)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)


def legend_below(fig: Any, ncol: int = 4, **kw: Any) -> None:
    """The figure's legend under its plots, centred (constrained layout makes room): it never covers data."""
    fig.legend(loc="outside lower center", ncol=ncol, frameon=False, **kw)


def save(fig: Any, path: Path) -> Path:
    """Write the PNG (parents created) with every label inside the picture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.08)
    return path
