"""`caeser data list|verify|fetch` end to end, fetching from a real HTTP server on 127.0.0.1 laid out
like GitHub's raw host (owner/repo/commit/path)."""
from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from bots.commands import data as data_command
from memory.datasets import BY_NAME, GitSource
from memory.settings import get_settings
from tests.bots.commands.runner import run_command
from tests.httpstub import QuietHandler

Run = Callable[..., tuple[int, str, str]]


class RawHost:
    """A directory served over HTTP; `fail` queues status codes a path answers before its file."""

    def __init__(self, root: Path) -> None:
        self.root, self.script, self.hits = root, {}, []
        host = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = unquote(urlsplit(self.path).path)
                host.hits.append(path)
                queued = host.script.get(path)
                file = host.root / path.lstrip("/")
                if queued:
                    self.send_error(queued.pop(0))
                elif not file.is_file():
                    self.send_error(404)
                else:
                    body = file.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def put(self, source: GitSource, body: bytes) -> None:
        target = self.root / source.repo / source.commit / source.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)

    def fail(self, source: GitSource, codes: list[int]) -> None:
        self.script[f"/{source.repo}/{source.commit}/{source.path}"] = codes


@pytest.fixture
def raw_host(tmp_path: Path) -> Iterator[RawHost]:
    host = RawHost(tmp_path / "raw")
    thread = threading.Thread(target=host.server.serve_forever, daemon=True)
    thread.start()
    yield host
    host.server.shutdown()
    host.server.server_close()


@pytest.fixture
def target_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(target_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """Runs `caeser data …` (only this sub-command's parser, so other commands' state can't interfere)
    against `data` (default `target_dir`); returns (exit code, stdout, stderr)."""
    monkeypatch.delenv("CAESER_DATA_BASE_URL", raising=False)

    def _run(*argv: str, data: Path = target_dir) -> tuple[int, str, str]:
        monkeypatch.setenv("CAESER_DATA_DIR", str(data))
        get_settings.cache_clear()
        return run_command(data_command, "data", argv, capsys)

    yield _run
    get_settings.cache_clear()


def serve_original(host: RawHost, data_dir: Path, name: str) -> None:
    """Put a dataset's originals on the host: the shared copies, less any header we added."""
    for spec in BY_NAME[name].files:
        body = (data_dir / spec.path).read_bytes()
        host.put(spec.source, body[len((spec.header or "").encode()):])


# --- without the real data ---------------------------------------------------------------------

def test_list_shows_every_dataset_missing_with_licence(run: Run) -> None:
    rc, out, _ = run("list")
    assert rc == 0
    line = next(line for line in out.splitlines() if line.startswith("movielens"))
    assert "missing" in line and "research only" in line
    assert all(name in out for name in BY_NAME)


def test_fetch_movielens_needs_accept_terms(run: Run, raw_host: RawHost) -> None:
    rc, _, err = run("fetch", "movielens", "--base-url", raw_host.base_url)
    assert rc == 1 and "no redistribution" in err and "--accept-terms" in err
    assert raw_host.hits == []


def test_unknown_dataset_and_bad_base_url_are_clear_errors(run: Run) -> None:
    rc, _, err = run("fetch", "nope", "--base-url", "http://127.0.0.1:9")
    assert rc == 2 and "unknown dataset nope" in err
    rc, _, err = run("fetch", "esci", "--base-url", "ftp://mirror")
    assert rc == 2 and "--base-url" in err


def test_verify_names_missing_files(run: Run) -> None:
    rc, out, err = run("verify", "esci")
    assert rc == 1 and "queries/esci_us_queryset.json: missing" in out
    assert "caeser data fetch esci" in err


# --- with the real data: the served originals are the shared copies ------------------------------

@pytest.mark.realdata
def test_fetch_success_restores_byte_identical_files(run: Run, raw_host: RawHost, data_dir: Path, target_dir: Path) -> None:
    for name in ("prophet_retail_sales", "flipkart", "amazon_toys"):
        serve_original(raw_host, data_dir, name)
    rc, out, _ = run("fetch", "prophet_retail_sales", "flipkart", "amazon_toys", "--base-url", raw_host.base_url)
    assert rc == 0, out
    for path in ("sales/prophet_retail_sales.csv", "catalog/flipkart_products.csv", "catalog/amazon_uk_toys.csv"):
        assert (target_dir / path).read_bytes() == (data_dir / path).read_bytes()
    assert out.count("fetched") == 3
    rc, out, _ = run("verify", "prophet_retail_sales", "flipkart", "amazon_toys")
    assert rc == 0 and "all 3 files verified" in out


@pytest.mark.realdata
def test_fetch_checksum_mismatch_keeps_nothing(run: Run, raw_host: RawHost, data_dir: Path, target_dir: Path) -> None:
    spec = BY_NAME["prophet_retail_sales"].files[0]
    raw_host.put(spec.source, (data_dir / spec.path).read_bytes() + b"2016-06-01,1\n")
    rc, out, _ = run("fetch", "prophet_retail_sales", "--base-url", raw_host.base_url)
    assert rc == 1 and "sales/prophet_retail_sales.csv" in out and "checksum mismatch" in out
    assert not (target_dir / spec.path).exists()
    assert [p.name for p in (target_dir / "sales").iterdir()] == []


@pytest.mark.realdata
def test_fetch_404_is_reported(run: Run, raw_host: RawHost) -> None:
    rc, out, _ = run("fetch", "wands_queries", "--base-url", raw_host.base_url)
    assert rc == 1 and "HTTP 404" in out and "wayfair/WANDS" in out


@pytest.mark.realdata
def test_fetch_retries_a_500(run: Run, raw_host: RawHost, data_dir: Path, target_dir: Path) -> None:
    serve_original(raw_host, data_dir, "wands_queries")
    raw_host.fail(BY_NAME["wands_queries"].files[0].source, [500])
    rc, out, _ = run("fetch", "wands_queries", "--base-url", raw_host.base_url)
    assert rc == 0 and len(raw_host.hits) == 2
    assert (target_dir / "queries/wands_queries.csv").read_bytes() == (data_dir / "queries/wands_queries.csv").read_bytes()


@pytest.mark.realdata
def test_fetch_keeps_good_files_and_prints_the_aol_warning(run: Run, raw_host: RawHost, data_dir: Path) -> None:
    serve_original(raw_host, data_dir, "aol_queries")
    rc, _, err = run("fetch", "aol_queries", "--base-url", raw_host.base_url)
    assert rc == 0 and "research" in err.lower() and "privacy" in err
    rc, out, _ = run("fetch", "aol_queries", "--base-url", raw_host.base_url)
    assert rc == 0 and "kept" in out and "present and verified" in out
    assert len(raw_host.hits) == 1


@pytest.mark.realdata
def test_verify_flags_a_corrupted_copy(run: Run, data_dir: Path, target_dir: Path) -> None:
    for relative in ("affinity/drinks.csv", "sales/online_retail_customers.csv.gz"):
        (target_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / relative, target_dir / relative)
    rc, out, _ = run("verify", "online_retail")
    assert rc == 1 and "sales/online_retail_daily.csv.gz: missing" in out
    assert "ok    online_retail          sales/online_retail_customers.csv.gz" in out
    with (target_dir / "affinity/drinks.csv").open("ab") as fh:
        fh.write(b"Atlantis,1,1,1,0.1\n")
    rc, out, err = run("verify", "fivethirtyeight")
    assert rc == 1 and "affinity/drinks.csv: checksum mismatch" in out and "--force fivethirtyeight" in err


@pytest.mark.realdata
def test_list_and_verify_on_the_shared_data(run: Run, data_dir: Path) -> None:
    rc, out, _ = run("list", data=data_dir)
    assert rc == 0 and "airline_tweets" in out and "3.3 MB" in out
    rc, out, _ = run("verify", data=data_dir)
    assert rc == 0 and "all 21 files verified" in out
