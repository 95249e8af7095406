"""What the dashboard's templates show, shaped from the read model: titles, sparklines, tables.

Kept apart from the routes so that a page's figures are plain functions of stored data: the
sparkline is the trend's scores on the 0–100 scale (the same scale as the Slack Home tab's), a
result's tables are its flat record lists (tools.reports.export.find_tables) with their plain columns,
cells formatted by their meaning (tools.formatting.cell) as in the PDF export.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from memory.dashboard import ResultCard
from memory.tables import StoredResult
from tools.formatting import cell, result_title
from tools.reports.export import find_tables
from tools.reports.pdf import CAPTIONS, scalar_columns

SPARK_W, SPARK_H = 120, 32
TABLE_ROWS = 30
TABLES = 4


class Table(BaseModel):
    name: str
    columns: list[str]
    rows: list[list[str]]
    total: int


def card_title(card: ResultCard) -> str:
    return result_title(card.tool, card.subject)


def spark_scale(trend: list[float], threshold: float) -> tuple[float, float]:
    """The score range a sparkline spans: the trend and the threshold with 5 points to spare, within
    0–100, so a move of a few points is visible and the threshold line is always in the box."""
    values = [*trend, threshold]
    return max(0.0, min(values) - 5), min(100.0, max(values) + 5)


def spark_y(score: float, scale: tuple[float, float]) -> float:
    low, high = scale
    return SPARK_H - 2 - (min(high, max(low, score)) - low) / max(1e-9, high - low) * (SPARK_H - 4)


def spark_points(trend: list[float], threshold: float) -> str:
    """SVG polyline points of the trend across a SPARK_W × SPARK_H box ('' under two points)."""
    if len(trend) < 2:
        return ""
    scale, step = spark_scale(trend, threshold), (SPARK_W - 4) / (len(trend) - 1)
    return " ".join(f"{2 + i * step:.1f},{spark_y(score, scale):.1f}" for i, score in enumerate(trend))


def threshold_y(trend: list[float], threshold: float) -> float:
    return round(spark_y(threshold, spark_scale(trend, threshold)), 1)


def tables_of(stored: StoredResult) -> list[Table]:
    out = []
    for name, rows in find_tables(stored.output.get("data")).items():
        columns = scalar_columns(rows)
        if columns:
            out.append(Table(name=name.replace("_", " ").replace(".", " › ").capitalize(), columns=[c.replace("_", " ").capitalize() for c in columns],
                             rows=[[cell(c, r.get(c)) for c in columns] for r in rows[:TABLE_ROWS]], total=len(rows)))
        if len(out) == TABLES:
            break
    return out


def caption(tool: str) -> str:
    return CAPTIONS.get(tool, "")


def sources(stored: StoredResult) -> dict[str, Any]:
    return {"source": stored.output.get("source") or "", "arguments": stored.arguments}
