"""The one registry: every DESIGN.md tool, typed validation errors, storage of results."""
from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from memory.results import get_result
from tools.base import ToolError
from tools.registry import REGISTRY, load_tools, run_tool

DESIGN_TOOLS = {
    "audience_affinity", "compare_audiences", "hype_score", "forecast_demand", "simulate_launch", "build_personas",
    "suggest_queries", "search_products", "record_engagement", "watch_hype", "list_watches", "analyze_launch", "export_report", "schedule_report",
}
DESIGN_TOOLS |= {"manage_data"}  # the owner's own data: list, forget, import (issue 23)
DESIGN_TOOLS |= {"start_experiment", "experiment_results", "stop_experiment", "shopper_analytics"}  # second wave (experiments issue)


def test_every_design_tool_is_registered_with_schemas_and_a_description() -> None:
    load_tools()
    assert set(REGISTRY) == DESIGN_TOOLS
    for spec in REGISTRY.values():
        assert len(spec.description) > 40
        assert spec.input_model.model_json_schema()["type"] == "object"
        assert {"summary", "source", "result_id"} <= set(spec.output_model.model_json_schema()["properties"])


def test_schema_violations_name_the_argument(ctx) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("hype_score", {"subject": "Delta", "window_days": -3}, ctx)
    assert err.value.code == "invalid_argument" and "`window_days`" in err.value.message
    with pytest.raises(ToolError) as err:
        run_tool("hype_score", ["not", "an", "object"], ctx)  # type: ignore[arg-type]
    assert "JSON object" in err.value.message
    with pytest.raises(ToolError) as err:
        run_tool("compare_audiences", {"items": ["vinyl"], "audiences": [{"age_min": 60, "age_max": 20}, {}]}, ctx)
    assert "age_min 60 is above age_max 20" in err.value.message


def test_unknown_tool_lists_the_real_ones(ctx) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("hype_scorez", {}, ctx)
    assert err.value.code == "not_found" and "hype_score" in err.value.info.options


def test_results_are_stored_under_their_id(ctx) -> None:
    from memory.results import save_result

    save_result(ctx.settings, owner=ctx.owner, result_id=f"seed-{uuid.uuid4().hex[:12]}", tool="forecast_demand", thread_id=ctx.thread_id, arguments={"sku": "1"}, output={"summary": "s", "data": {"points": [{"week": 1, "units": 3}]}}, summary="s")
    out = run_tool("export_report", {"format": "json"}, ctx)
    stored = get_result(ctx.settings, out.result_id, ctx.owner)
    assert stored is not None and stored.tool == "export_report" and stored.thread_id == ctx.thread_id


def test_misspelt_argument_names_are_refused_not_ignored(ctx) -> None:
    with pytest.raises(ToolError) as err:
        run_tool("audience_affinity", {"takee": 5}, ctx)
    assert "`takee`" in err.value.message and "take" in err.value.info.options


def test_loading_the_tools_imports_no_pdf_backend_or_clustering() -> None:
    """Every chat process loads all tools; the PDF writer and sklearn.cluster are imported only by a
    PDF export and by persona clustering, so the others do not pay for them at start-up."""
    code = ("import sys; from tools.registry import load_tools; load_tools(); "
            "loaded = [m for m in ('tools.reports.pdf', 'matplotlib.backends.backend_pdf', 'sklearn.cluster') if m in sys.modules]; "
            "assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_the_tool_table_names_every_registered_tool_in_order() -> None:
    """The planner binds TOOL_NAMES without importing the tools: the table must match what registers."""
    from tools.registry import load_tools
    from tools.toolset import TOOL_MODULES

    specs = load_tools()
    assert list(specs) == list(TOOL_MODULES)
    assert {name: spec.func.__module__ for name, spec in specs.items()} == TOOL_MODULES
