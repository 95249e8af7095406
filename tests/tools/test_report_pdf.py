"""export_report as PDF: summary and plan, the result's charts, its tables; pages that render."""
from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from memory.results import save_result  # noqa: E402
from tools.registry import run_tool  # noqa: E402


def seed_launch(ctx, tmp_path: Path) -> str:
    """A stored launch-style result with a plan, a chart and a table (no engine needed)."""
    rid = f"analyze_la-{uuid.uuid4().hex[:12]}"  # unique: the Postgres pass shares one database
    chart = tmp_path / "chart.png"
    fig, ax = plt.subplots()
    ax.plot([1, 3, 2])
    fig.savefig(chart)
    plt.close(fig)
    data = {"product": "Cyberpunk Sneakers",
            "plan": [{"topic": "price", "text": "Price: $96 leads on simulated revenue — $96 ($77,696), $120 ($70,000).",
                      "evidence": [{"engine": "persona", "tool": "simulate_launch", "result_id": "simulate_l-1", "figure": "scenario[$96].revenue", "value": 77696.0}]}],
            "sections": [{"key": "persona", "status": "ok", "result_id": "simulate_l-1"}, {"key": "hype", "status": "missing", "result_id": ""}],
            "missing": [{"engine": "hype", "tool": "hype_score", "reason": "no posts"}]}
    output = {"summary": "Launch readout for Cyberpunk Sneakers.", "source": "test", "data": data, "charts": [{"path": str(chart), "title": "Adoption"}]}
    save_result(ctx.settings, owner=ctx.owner, result_id=rid, tool="analyze_launch", thread_id=ctx.thread_id, arguments={"product": "Cyberpunk Sneakers"}, output=output, summary=output["summary"])
    return rid


def test_pdf_export_of_the_latest_result_has_summary_chart_and_table_pages(ctx, tmp_path: Path) -> None:
    rid = seed_launch(ctx, tmp_path)
    out = run_tool("export_report", {"format": "pdf"}, ctx)
    path = Path(out.files[0])
    assert out.data.exported_result_id == rid and path.parent == ctx.settings.exports_dir and path.suffix == ".pdf"
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", raw)) == 5  # text, chart, tables plan, sections, missing
    assert b"/Subtype /Image" in raw  # the chart PNG is embedded


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pdf_pages_render(ctx, tmp_path: Path) -> None:
    seed_launch(ctx, tmp_path)
    pdf = Path(run_tool("export_report", {"format": "pdf"}, ctx).files[0])
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 5
    assert all(p.stat().st_size > 500 for p in pages)
