"""export_report as PDF: a readout document (verdict page, sections, gaps once, appendix), any other result formatted; pages that render."""
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
from tools.base import Chart  # noqa: E402
from tools.launch.readout import Gap, KeyNumber, Readout, ReadoutSection, TableRow  # noqa: E402
from tools.registry import run_tool  # noqa: E402


def _chart(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.png"
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot([1, 3, 2])
    fig.savefig(path)
    plt.close(fig)
    return str(path)


def seed_launch(ctx, tmp_path: Path) -> str:
    """A stored launch readout with its document (`data.readout`), a plan and its sections (no engine needed)."""
    rid = f"analyze_la-{uuid.uuid4().hex[:12]}"  # unique: the Postgres pass shares one database
    readout = Readout(verdict="go with changes", verdict_text="Go with changes: about 1,337 of 100,000 simulated buyers buy, but $96 earns 21% more than the asked $120.",
                      key_numbers=[KeyNumber(label="Expected buyers", value="1,337", range="1,294–1,376", basis="best scenario"),
                                   KeyNumber(label="Revenue", value="$128,384", range="$124,186–$132,134", basis="same scenario")],
                      actions=["Launch at $96 in stores from Apr 2027.", "Aim first at ages 25–34.", "Keep stock going past week 12."],
                      main_risk="No buzz to build on.", hero=Chart(path=_chart(tmp_path, "hero"), title="Revenue by scenario"),
                      sections=[ReadoutSection(key="simulation", title="What-if simulation", chart=Chart(path=_chart(tmp_path, "sim"), title="Weekly buyers"),
                                               caption="Each panel is one scenario.", sentences=["$96 sells most."], columns=["Scenario", "Revenue"],
                                               rows=[TableRow(cells=["$96 · Apr 2027 · store", "$128,384"])], sources=["persona"])],
                      gaps=[Gap(engine="Hype", what="the product's hype: no stored post mentions it.", fix="Import posts about it.")])
    data = {"product": "Cyberpunk Sneakers", "readout": readout.model_dump(mode="json"),
            "plan": [{"topic": "price", "text": "Price: $96 leads on simulated revenue.",
                      "evidence": [{"engine": "persona", "tool": "simulate_launch", "result_id": "simulate_l-1a2b3c", "figure": "scenario[$96].adoption", "value": 0.013373}]}],
            "sections": [{"key": "persona", "tool": "simulate_launch", "status": "ok", "result_id": "simulate_l-1a2b3c", "seconds": 2.5, "arguments": {"seeds": 3}, "source": "persona engine"},
                         {"key": "hype", "tool": "hype_score", "status": "missing", "result_id": "", "seconds": 0.4, "arguments": {}, "reason": "no posts"}],
            "missing": [{"engine": "hype", "tool": "hype_score", "reason": "no posts"}]}
    output = {"summary": "Go with changes.", "source": "test", "data": data, "charts": [readout.hero.model_dump()]}
    save_result(ctx.settings, owner=ctx.owner, result_id=rid, tool="analyze_launch", thread_id=ctx.thread_id, arguments={"product": "Cyberpunk Sneakers", "price": 120.0},
                output=output, summary=output["summary"])
    return rid


def test_pdf_export_of_the_latest_result_is_a_document_with_its_charts(ctx, tmp_path: Path) -> None:
    rid = seed_launch(ctx, tmp_path)
    out = run_tool("export_report", {"format": "pdf"}, ctx)
    path = Path(out.files[0])
    assert out.data.exported_result_id == rid and path.parent == ctx.exports_dir and path.suffix == ".pdf"
    raw = path.read_bytes()
    assert raw.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", raw)) == 3  # page 1, the section (and the gaps), the appendix
    assert len(re.findall(rb"/Subtype\s*/Image", raw)) == 2  # the hero and the section's chart


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_body_pages_hold_no_ids_or_raw_floats_and_page_one_answers(ctx, tmp_path: Path) -> None:
    seed_launch(ctx, tmp_path)
    pdf = Path(run_tool("export_report", {"format": "pdf"}, ctx).files[0])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
    pages = text.split("\f")
    start = next(i for i, p in enumerate(pages) if "Appendix: evidence" in p)  # the appendix runs from its heading to the end
    body, appendix = "\f".join(pages[:start]), "\f".join(pages[start:])
    assert not re.search(r"[a-z_]+-[0-9a-f]{6,}", body), "a result id in the body"
    assert not re.search(r"\d\.\d{3,}", body), "a number with more than two decimals in the body"
    assert "simulate_l-1a2b3c" in appendix and "0.013373" in appendix  # the plumbing is traceable, in the appendix
    first = pages[0]
    assert "Go with changes" in first and "Expected buyers" in first and "1,294–1,376" in first and "Launch at $96" in first and "Main risk" in first
    assert "page 1 of 3" in first and "Cyberpunk Sneakers" in first
    assert body.count("no stored post mentions it") == 1  # a gap is said once


def test_every_chart_spans_the_text_width(ctx, tmp_path: Path) -> None:
    from reportlab.platypus import Image

    from memory.results import get_result
    from tools.reports.pdf import _launch_story, _styles

    stored = get_result(ctx.settings, seed_launch(ctx, tmp_path), ctx.owner)
    width = 481.0
    story = _launch_story(stored, _styles(), width, 740.0)
    images = [f for flow in story for f in getattr(flow, "_content", [flow]) if isinstance(f, Image)]
    assert len(images) == 2 and all(i.drawWidth >= 0.8 * width for i in images)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pdf_pages_render(ctx, tmp_path: Path) -> None:
    seed_launch(ctx, tmp_path)
    pdf = Path(run_tool("export_report", {"format": "pdf"}, ctx).files[0])
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    assert all(p.stat().st_size > 500 for p in pages)


def test_any_other_result_gets_formatted_tables(ctx, tmp_path: Path) -> None:
    rid = f"forecast_de-{uuid.uuid4().hex[:12]}"
    data = {"target": "SKU 85123A", "points": [{"period": "2027-01-04", "forecast": 2982.7731, "lower": 2500.123, "upper": 3100.5}]}
    output = {"summary": "About 2,983 units.", "source": "test", "data": data, "charts": [{"path": _chart(tmp_path, "f"), "title": "Forecast"}]}
    save_result(ctx.settings, owner=ctx.owner, result_id=rid, tool="forecast_demand", thread_id=ctx.thread_id, arguments={"sku": "85123A"}, output=output, summary="About 2,983 units.")
    pdf = Path(run_tool("export_report", {"format": "pdf"}, ctx).files[0])
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
    assert "Demand forecast: SKU 85123A" in text and "4 Jan 2027" in text and "2,983" in text and "2982.77" not in text.split("Appendix")[0]
