"""A small tenant's worth of dashboard data: watches with scored snapshots, an alert, results with a
chart. Used by the read model's, the Home tab's and the web dashboard's tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from memory.db import session_scope
from memory.owner import Owner
from memory.results import save_result
from memory.schedules import create_schedule
from memory.settings import Settings
from memory.tables import HypeAlert, HypeSnapshot, StoredResult
from memory.watches import upsert_watch



def draw_chart(path: Path, scores: tuple[float, ...]) -> None:
    """A small bar chart of `scores` (a real PNG: the PDF export and the browser both decode it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 320), "white")
    pen = ImageDraw.Draw(image)
    width = 560 // max(1, len(scores))
    for i, score in enumerate(scores):
        pen.rectangle([40 + i * width + 6, 300 - score * 2.6, 40 + (i + 1) * width - 6, 300], fill="#0072B2")
    pen.line([40, 300 - 70 * 2.6, 620, 300 - 70 * 2.6], fill="#D55E00", width=2)
    image.save(path)


def seed(settings: Settings, owner: Owner, *, subject: str = "stanley", display: str = "Stanley", scores: tuple[float, ...] = (40, 48, 55, 63, 72),
         results: int = 3, day: datetime = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)) -> list[str]:
    """One watch on `subject` with `scores` as its snapshots and one alert; a weekly schedule; `results` hype and
    forecast results one day apart from `day` backwards, the hype ones with a chart. Returns the
    result ids, newest first."""
    watch = upsert_watch(settings, owner=owner, subject=subject, display=display, channel="slack:#launches", threshold=70, direction="above", window_days=7, create=True)
    with session_scope(settings) as s:
        for i, score in enumerate(scores):
            s.add(HypeSnapshot(subject=subject, window_days=7, score=score, state="ok", confidence=0.9, posts=100, fingerprint=f"{owner.slug}-{subject}-{i}",
                               created_at=day - timedelta(hours=len(scores) - i)))
        s.add(HypeAlert(owner=owner.key, watch_id=watch.id, crossing=1, alert_key=f"{owner.slug}-{subject}"[:40], subject=display, channel=watch.channel,
                        score=scores[-1], text=f"{display} hype crossed 70", status="delivered", created_at=day))
        watch.last_score = scores[-1]
        s.add(watch)
    create_schedule(settings, owner, name=f"{display} weekly hype", cron="0 9 * * 1", timezone="Europe/London", tool="hype_score", arguments=[{"subject": display}],
                    destinations=["slack:#launches"], now=day)
    chart_dir = settings.charts_dir / owner.slug
    chart_dir.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(results):
        tool = "hype_score" if i % 2 == 0 else "forecast_demand"
        short = subject.replace(" ", "")[:4]
        result_id = f"{tool[:12]}-{owner.slug[-8:]}{short}{i:03d}"
        chart = chart_dir / f"{result_id}.png"
        draw_chart(chart, scores)
        charts = [{"path": str(chart), "title": f"{display} hype"}] if tool == "hype_score" else []
        summary = (f"{display} hype is {scores[-1]:.0f}/100 over the last 7 days, from {scores[0]:.0f} a month ago: {1200 + 37 * i:,} posts, {58 + i % 9}% positive."
                   if tool == "hype_score" else
                   f"{display} should sell about {1830 + 45 * i:,} units over the next 12 weeks (80% range {1510 + 40 * i:,}–{2160 + 50 * i:,}), peaking in week {48 + i % 4}.")
        output = {"summary": summary, "data": {"subject": display, "days": [{"day": f"2026-11-{d:02d}", "score": s, "posts": 180 + 7 * d} for d, s in enumerate(scores, start=1)]},
                  "charts": charts,
                  "files": [], "result_id": result_id, "source": "test fixture"}
        save_result(settings, owner=owner, result_id=result_id, tool=tool, thread_id=None, arguments={"subject": display}, output=output, summary=summary)
        with session_scope(settings) as s:
            row = s.get(StoredResult, result_id)
            row.created_at = day - timedelta(days=i)
            s.add(row)
        ids.append(result_id)
    return ids


def chart_file(settings: Settings, owner: Owner) -> Path:
    return next((settings.charts_dir / owner.slug).glob("*.png"))
