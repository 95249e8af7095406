"""The dashboard as a marketer uses it, in a real headless Chromium (Playwright driving Debian's
/usr/bin/chromium): open it, sign in, filter the results, open one, download its PDF. Screenshots
of each step go to $CAESER_TEST_ARTIFACTS (default: the test's temp folder); docs/screenshots/
holds a committed set (docs/dashboard.md)."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr

from bots.web.app import build_app
from memory.owner import Owner
from memory.settings import Settings
from tests.dashboard_data import seed

pytestmark = pytest.mark.browser
TOKEN = "marketer-token-" + "x" * 16
CHROMIUM = next((p for p in (os.environ.get("CAESER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")) if p and Path(p).exists()), None)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    path = Path(os.environ.get("CAESER_TEST_ARTIFACTS") or tmp_path / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def dashboard(settings: Settings) -> Iterator[str]:
    """The dashboard on a free port of 127.0.0.1 with a workspace's watches and 24 results."""
    owner, other = Owner.slack(f"T{uuid.uuid4().hex[:8]}"), Owner.slack(f"T{uuid.uuid4().hex[:8]}")
    seed(settings, owner, results=16)
    seed(settings, owner, subject="on running", display="On Running", scores=(78, 74, 69, 66, 61), results=8, day=datetime(2026, 11, 21, 9, tzinfo=timezone.utc))
    seed(settings, other, subject="delta", display="Delta", results=2)
    app = build_app(settings.model_copy(update={"web_tokens": SecretStr(f"{TOKEN}={owner.key},{'o' * 24}={other.key}")}))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: `apt-get install -y chromium` (the CI script does) or set CAESER_CHROMIUM")
def test_sign_in_filter_open_a_result_and_download_its_pdf(dashboard: str, artifacts: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the Playwright client is not installed (pip install -e '.[test]')")
    expect, sync_playwright = sync_api.expect, sync_api.sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        try:
            page.goto(dashboard + "/")
            expect(page).to_have_url(f"{dashboard}/login?next=%2F")
            assert "Stanley" not in page.content()
            page.screenshot(path=artifacts / "dashboard-1-sign-in.png")
            page.fill("#token", TOKEN)
            page.click("button[type=submit]")
            expect(page.locator("#watches")).to_contain_text("Stanley")
            expect(page.locator("#watches")).to_contain_text("On Running")
            expect(page.locator("#watches")).to_contain_text("▲ rising")
            expect(page.locator("#watches")).to_contain_text("▼ falling")
            expect(page.locator("#schedules")).to_contain_text("On Running weekly hype")
            expect(page.locator("#schedules")).to_contain_text("every Monday at 09:00")
            assert "Delta" not in page.content()  # another workspace's watch
            page.screenshot(path=artifacts / "dashboard-2-overview.png", full_page=True)

            page.click("header >> text=Results")
            expect(page.locator("#count")).to_contain_text("24 results")
            page.select_option("#tool", "hype_score")
            page.fill("#since", "2026-11-15")
            page.click("form.filters button")
            expect(page.locator("#count")).to_contain_text("7 results")
            assert page.locator("table.results tbody tr").count() == 7
            page.screenshot(path=artifacts / "dashboard-3-results-filtered.png", full_page=True)

            page.locator("table.results tbody tr a").first.click()
            expect(page.locator("h1")).to_contain_text("Hype: On Running")
            chart = page.locator("figure img").first
            expect(chart).to_be_visible()
            assert chart.evaluate("img => img.naturalWidth") > 0  # the chart loaded
            page.screenshot(path=artifacts / "dashboard-4-result.png", full_page=True)

            with page.expect_download() as download:
                page.click("text=Download PDF")
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
        finally:
            browser.close()
