"""export_report: any stored result as JSON (everything), CSV (its tables) or PDF (summary, charts, tables)."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from memory.results import get_result, latest_result
from memory.tables import StoredResult
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import register
from tools.schemas import StrictInput

EXPORT_TOOL = "export_report"


class ExportReportInput(StrictInput):
    result_id: str | None = Field(default=None, max_length=40, description="Result to export; unset = the latest result in this conversation.", examples=["forecast_dem-1a2b3c4d5e6f"])
    format: Literal["csv", "json", "pdf"] = Field(default="pdf", description="csv (its tables), json (everything) or pdf (summary, charts, tables).", examples=["pdf"])


class ExportReportData(BaseModel):
    exported_result_id: str
    tool: str
    format: str
    files: list[str]


class ExportReportOutput(ToolOutput):
    data: ExportReportData


def find_tables(data: Any, prefix: str = "") -> dict[str, list[dict[str, Any]]]:
    """Every list of flat records inside a result, keyed by its path: each becomes one CSV."""
    tables: dict[str, list[dict[str, Any]]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            tables.update(find_tables(value, f"{prefix}{key}." if prefix or key else prefix))
    elif isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        tables[prefix.rstrip(".") or "table"] = [{k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in row.items()} for row in data]
    return tables


def write_csv_tables(stored: StoredResult, out_dir: Path) -> list[str]:
    tables = find_tables(stored.output.get("data"))
    if not tables:
        tables = {"summary": [{"result_id": stored.result_id, "tool": stored.tool, "summary": stored.summary}]}
    paths: list[str] = []
    for name, rows in tables.items():
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in row if c not in columns)
        path = out_dir / f"{stored.result_id}-{name.replace('.', '_')}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        paths.append(str(path))
    return paths


def write_json(stored: StoredResult, out_dir: Path) -> list[str]:
    path = out_dir / f"{stored.result_id}.json"
    payload = {"result_id": stored.result_id, "tool": stored.tool, "created_at": stored.created_at.isoformat(), "arguments": stored.arguments, "output": stored.output}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return [str(path)]


def write_pdf_report(stored: StoredResult, out_dir: Path) -> list[str]:
    """Imported here: the PDF backend costs every process that loads the tools a third of a second,
    and only an export to PDF needs it."""
    from tools.reports.pdf import write_pdf

    return write_pdf(stored, find_tables(stored.output.get("data")), out_dir)


def export_files(stored: StoredResult, fmt: str, out_dir: Path) -> list[str]:
    """Write `stored` as `fmt` (csv, json or pdf) into `out_dir`; the paths written (CSV: one per table)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {"csv": write_csv_tables, "json": write_json, "pdf": write_pdf_report}[fmt](stored, out_dir)


def resolve_stored(ctx: ToolContext, result_id: str | None) -> StoredResult:
    if result_id:
        stored = get_result(ctx.settings, result_id, ctx.owner)
        if stored is None:
            raise ToolError("not_found", f"No stored result has the id {result_id!r}.", field="result_id")
        return stored
    stored = latest_result(ctx.settings, ctx.thread_id, ctx.owner, exclude_tools=(EXPORT_TOOL,))
    if stored is None:
        raise ToolError("not_found", "There is no earlier result in this conversation to export; ask for an analysis first or give a result_id.", field="result_id")
    return stored


@register(EXPORT_TOOL, engine="reports", input_model=ExportReportInput, output_model=ExportReportOutput, description="""
Export a past result as CSV (its tables), JSON (everything, with sources) or PDF (summary, charts,
tables). Use for "export that as a pdf" or "send me the csv of result forecast-1a2b".
""")
def export_report(inp: ExportReportInput, ctx: ToolContext) -> ExportReportOutput:
    stored = resolve_stored(ctx, inp.result_id)
    ctx.settings.ensure_home()
    files = export_files(stored, inp.format, ctx.exports_dir)
    data = ExportReportData(exported_result_id=stored.result_id, tool=stored.tool, format=inp.format, files=files)
    summary = f"Exported the {stored.tool} result {stored.result_id} as {inp.format.upper()}: {len(files)} file(s)."
    return ExportReportOutput(summary=summary, data=data, files=files, source=f"stored result {stored.result_id}")
