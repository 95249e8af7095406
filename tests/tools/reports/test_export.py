"""export_report: JSON keeps everything, CSV writes each table of a stored result."""
from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import pytest

from memory.results import save_result
from tools.base import ToolError
from tools.registry import run_tool


def seed(ctx) -> str:
    result_id = f"forecast_dem-{uuid.uuid4().hex[:12]}"  # unique: Postgres runs share one database
    output = {"summary": "About 100 units.", "source": "test", "data": {"total": 100, "points": [{"week": "2026-01-05", "units": 40, "low": 30}, {"week": "2026-01-12", "units": 60, "low": 45}]}}
    save_result(ctx.settings, owner=ctx.owner, result_id=result_id, tool="forecast_demand", thread_id=ctx.thread_id, arguments={"sku": "85123A"}, output=output, summary=output["summary"])
    return result_id


def test_json_export_has_arguments_and_output(ctx) -> None:
    rid = seed(ctx)
    out = run_tool("export_report", {"result_id": rid, "format": "json"}, ctx)
    payload = json.loads(Path(out.files[0]).read_text())
    assert payload["arguments"] == {"sku": "85123A"} and payload["output"]["data"]["total"] == 100


def test_csv_export_of_the_latest_result_in_the_thread(ctx) -> None:
    seed(ctx)
    out = run_tool("export_report", {"format": "csv"}, ctx)
    rows = list(csv.DictReader(Path(out.files[0]).open()))
    assert [r["units"] for r in rows] == ["40", "60"]


def test_unknown_result_id_is_a_readable_error(ctx) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("export_report", {"result_id": "nope-123456789012", "format": "csv"}, ctx)
    assert err.value.code == "not_found" and "nope-123456789012" in err.value.message
