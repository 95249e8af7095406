"""DataFetcher against an in-process transport: verify-before-rename, retries, no bad file kept."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import httpx
import pandas as pd
import pytest

from memory.datafetch import DataFetcher, Downloader
from memory.datasets import DataFile, Dataset, GitSource, OnlineRetailBuild, Sha256Check, TotalsCheck, ZipMembersCheck

BASE = "http://mirror.test"
BODY = b"a,b\n1,2\n"
SOURCE = GitSource(repo="o/r", commit="abc1234", path="dir/file name.csv")


def dataset(header: str | None = None, body: bytes = BODY) -> Dataset:
    digest = hashlib.sha256((header or "").encode() + body).hexdigest()
    spec = DataFile(path="x/file.csv", check=Sha256Check(sha256=digest), source=SOURCE, header=header)
    return Dataset(name="demo", title="t", origin="o", licence="l", files=[spec])


class Host:
    """Serves `files` (URL path → bytes); `script` gives status codes to answer first, per path."""

    def __init__(self, files: dict[str, bytes], script: dict[str, list[int]] | None = None) -> None:
        self.files, self.script, self.hits = files, script or {}, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.hits.append(request.url.path)
        queued = self.script.get(request.url.path)
        if queued:
            return httpx.Response(queued.pop(0))
        body = self.files.get(request.url.path)
        return httpx.Response(404) if body is None else httpx.Response(200, content=body)


def fetcher(tmp_path: Path, host: Host, force: bool = False) -> DataFetcher:
    client = httpx.Client(transport=httpx.MockTransport(host))
    return DataFetcher(tmp_path, Downloader(client, backoff_s=0, attempts=3), base_url=BASE, force=force)


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".part") or p.name.startswith(".caeser-build-")]


URL_PATH = "/o/r/abc1234/dir/file%20name.csv"


def test_success_quotes_path_and_installs_verified_file(tmp_path: Path) -> None:
    host = Host({"/o/r/abc1234/dir/file name.csv": BODY})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "fetched"
    assert (tmp_path / "x/file.csv").read_bytes() == BODY and not leftovers(tmp_path)


def test_header_is_prepended_before_the_checksum(tmp_path: Path) -> None:
    host = Host({"/o/r/abc1234/dir/file name.csv": BODY})
    [outcome] = fetcher(tmp_path, host).fetch(dataset(header="h1,h2\r\n"))
    assert outcome.action == "fetched" and (tmp_path / "x/file.csv").read_bytes() == b"h1,h2\r\n" + BODY


def test_checksum_mismatch_keeps_nothing(tmp_path: Path) -> None:
    host = Host({"/o/r/abc1234/dir/file name.csv": b"tampered"})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "failed" and "checksum mismatch" in outcome.message and "x/file.csv" in outcome.message
    assert not (tmp_path / "x/file.csv").exists() and not leftovers(tmp_path)


def test_404_fails_at_once_naming_the_url(tmp_path: Path) -> None:
    host = Host({})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "failed" and "404" in outcome.message and URL_PATH in outcome.message
    assert len(host.hits) == 1


def test_5xx_is_retried_then_succeeds(tmp_path: Path) -> None:
    path = "/o/r/abc1234/dir/file name.csv"
    host = Host({path: BODY}, script={path: [503, 500]})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "fetched" and len(host.hits) == 3


def test_5xx_gives_up_after_the_attempts(tmp_path: Path) -> None:
    path = "/o/r/abc1234/dir/file name.csv"
    host = Host({path: BODY}, script={path: [500, 500, 500]})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "failed" and "3 attempts" in outcome.message and "HTTP 500" in outcome.message


def test_timeouts_are_retried(tmp_path: Path) -> None:
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, content=BODY)

    downloader = Downloader(httpx.Client(transport=httpx.MockTransport(flaky)), backoff_s=0)
    [outcome] = DataFetcher(tmp_path, downloader, base_url=BASE).fetch(dataset())
    assert outcome.action == "fetched" and len(calls) == 2


def test_present_file_is_kept_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "x/file.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"edited by hand")
    host = Host({"/o/r/abc1234/dir/file name.csv": BODY})
    [kept] = fetcher(tmp_path, host).fetch(dataset())
    assert kept.action == "kept" and "--force" in kept.message and target.read_bytes() == b"edited by hand"
    assert host.hits == []
    [forced] = fetcher(tmp_path, host, force=True).fetch(dataset())
    assert forced.action == "fetched" and target.read_bytes() == BODY


RAW = {
    "2010-12-01": "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                  "1,A,MUG ,2,2010-12-01 08:00:00,1.5,17850.0,United Kingdom\n"
                  "2,A,,1,2010-12-01 09:00:00,1.5,,France\n",
    "2010-12-02": "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                  "C3,A,MUG,-1,2010-12-02 10:00:00,1.5,17850.0,United Kingdom\n",
}


def built_dataset(daily: TotalsCheck, customers: TotalsCheck) -> Dataset:
    build = OnlineRetailBuild(repo="o/r", commit="abc1234", path_template="by-day/{date}.csv", dates=[pd.Timestamp(d).date() for d in RAW])
    files = [DataFile(path="sales/daily.csv.gz", check=daily), DataFile(path="sales/customers.csv.gz", check=customers)]
    return Dataset(name="retail", title="t", origin="o", licence="l", files=files, build=build)


def test_built_tables_are_rebuilt_from_by_day_files_and_checked_by_totals(tmp_path: Path) -> None:
    host = Host({f"/o/r/abc1234/by-day/{d}.csv": text.encode() for d, text in RAW.items()})
    ds = built_dataset(TotalsCheck(rows=3, sums={"quantity": 2, "revenue": 3.0}),
                       TotalsCheck(rows=1, sums={"total_quantity": 1, "total_revenue": 1.5}))
    outcomes = fetcher(tmp_path, host).fetch(ds)
    assert [o.action for o in outcomes] == ["fetched", "fetched"]
    daily = pd.read_csv(tmp_path / "sales/daily.csv.gz")
    assert list(daily["description"].unique()) == ["MUG"] and not leftovers(tmp_path)


def test_built_tables_with_wrong_totals_are_not_kept(tmp_path: Path) -> None:
    host = Host({f"/o/r/abc1234/by-day/{d}.csv": text.encode() for d, text in RAW.items()})
    ds = built_dataset(TotalsCheck(rows=3, sums={"quantity": 5176450}), TotalsCheck(rows=1, sums={}))
    daily, customers = fetcher(tmp_path, host).fetch(ds)
    assert daily.action == "failed" and "quantity totals" in daily.message
    assert customers.action == "fetched"
    assert not (tmp_path / "sales/daily.csv.gz").exists() and not leftovers(tmp_path)


def test_built_tables_fail_cleanly_when_a_day_is_missing(tmp_path: Path) -> None:
    host = Host({"/o/r/abc1234/by-day/2010-12-01.csv": RAW["2010-12-01"].encode()})
    outcomes = fetcher(tmp_path, host).fetch(built_dataset(TotalsCheck(rows=0, sums={}), TotalsCheck(rows=0, sums={})))
    assert all(o.action == "failed" and "2010-12-02.csv" in o.message for o in outcomes)
    assert not leftovers(tmp_path)


@pytest.mark.parametrize("status", [403, 410])
def test_other_client_errors_are_not_retried(tmp_path: Path, status: int) -> None:
    path = "/o/r/abc1234/dir/file name.csv"
    host = Host({path: BODY}, script={path: [status]})
    [outcome] = fetcher(tmp_path, host).fetch(dataset())
    assert outcome.action == "failed" and f"HTTP {status}" in outcome.message and len(host.hits) == 1


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(("members", "action"), [(["ml/u.data", "ml/README"], "fetched"), (["ml/README"], "failed")])
def test_archives_are_checked_by_member_list(tmp_path: Path, members: list[str], action: str) -> None:
    spec = DataFile(path="a/ml.zip", url=f"{BASE}/ml.zip", check=ZipMembersCheck(members=["ml/u.data", "ml/README"]))
    ds = Dataset(name="ml", title="t", origin="o", licence="l", files=[spec])
    [outcome] = fetcher(tmp_path, Host({"/ml.zip": zipped(*members)})).fetch(ds)
    assert outcome.action == action and (tmp_path / "a/ml.zip").exists() == (action == "fetched")
    if action == "failed":
        assert "lacks ml/u.data" in outcome.message
