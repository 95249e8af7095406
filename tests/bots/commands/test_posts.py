"""`caeser posts import|reddit|feed`: files with bad rows, a Reddit search and a feed served on 127.0.0.1."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from bots.commands import posts as posts_command
from memory.posts import known_subjects, subject_posts
from memory.settings import Settings, get_settings
from tests.bots.commands.runner import run_command
from tests.httpstub import LoopbackServer, QuietHandler, send_json

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("CAESER_HOME", str(settings.home))
    if settings.database_url:
        monkeypatch.setenv("CAESER_DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("CAESER_DATABASE_URL", raising=False)
    get_settings.cache_clear()

    def _run(*argv: str) -> tuple[int, str, str]:
        return run_command(posts_command, "posts", argv, capsys)

    yield _run
    get_settings.cache_clear()


def test_import_keeps_good_rows_and_names_bad_lines(run: Run, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    file = tmp_path / "launch.csv"
    file.write_text(f"id,text,created_at,likes\n1,Loving the new Zephyr{tag} kicks,2025-03-01T10:00:00,3\n2,,2025-03-01T11:00:00,1\n"
                    f"3,Zephyr{tag} sold out again,not a date,2\n4,Zephyr{tag} restock when?,2025-03-02T09:00:00,x\n", encoding="utf-8")
    rc, out, _ = run("import", str(file), "--source", f"s-{tag}", "--subject", f"Zephyr{tag}")
    assert rc == 0 and "imported 1" in out and "line 3" in out and "line 4" in out and "line 5" in out
    again, out2, _ = run("import", str(file), "--source", f"s-{tag}")
    assert again == 0 and "imported 0" in out2 and "skipped 1 already-seen ids" in out2
    assert f"zephyr{tag}" in known_subjects(get_settings())


def test_missing_file_is_refused(run: Run, tmp_path: Path) -> None:
    rc, _, err = run("import", str(tmp_path / "nope.csv"))
    assert rc == 2 and "nope.csv is not a file" in err


class Sources(QuietHandler):
    tag = uuid.uuid4().hex[:8]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.startswith("/search.json"):
            children = [{"data": {"id": f"r{i}{self.tag}", "title": f"Quokka{self.tag} bottle {i} is great", "selftext": "", "author": "u", "created_utc": 1704189600 + i,
                                  "score": 3, "num_comments": 1}} for i in range(3)]
            send_json(self, 200, {"data": {"after": None, "children": children}})
        elif self.path == "/feed.xml":
            body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><guid>g{self.tag}</guid><title>Quokka{self.tag} review</title>"
                    "<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item></channel></rss>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)


def test_reddit_and_feed_posts_are_stored_and_linked(run: Run) -> None:
    subject = f"Quokka{Sources.tag}"
    with LoopbackServer(Sources) as server:
        rc, out, _ = run("reddit", subject, "--subject", subject, "--base-url", server.base_url)
        assert rc == 0 and "imported 3" in out
        rc, out, _ = run("feed", f"{server.base_url}/feed.xml", "--subject", subject, "--source", f"feed-{Sources.tag}")
        assert rc == 0 and "imported 1" in out
        rc, _, err = run("feed", f"{server.base_url}/missing.xml")
        assert rc == 2 and "HTTP 404" in err
    stored = subject_posts(get_settings(), [subject.casefold()])
    assert len(stored) == 4 and set(stored["source"]) == {"reddit", f"feed-{Sources.tag}"}
