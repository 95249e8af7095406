"""Getting datasets into the data dir without ever leaving a bad file there.

Every download streams into a temp file beside its target, is checked by the same rule `verify`
uses, and only then is renamed into place (atomic on one filesystem). A file already present is
kept unless `force`. 5xx, 429, timeouts and connection errors are retried with exponential backoff;
other HTTP errors (404…) fail at once with the URL in the message.
"""
from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import httpx
from pydantic import BaseModel

from memory.datacheck import check_file, file_status
from memory.datasets import RAW_HOST, DataFile, Dataset
from memory.online_retail import build_tables, read_raw, write_csv_gz

RETRY_STATUS = {429, 500, 502, 503, 504}
log = logging.getLogger(__name__)


class FetchError(Exception):
    """A download or check failed; the message is meant for the user as it stands."""


class FileOutcome(BaseModel):
    path: str
    action: Literal["fetched", "kept", "failed"]
    message: str


class Downloader:
    """Streams URLs to disk with retries; one `httpx.Client` for all files of a run."""

    def __init__(self, client: httpx.Client, *, attempts: int = 4, backoff_s: float = 0.5, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client, self.attempts, self.backoff_s, self.sleep = client, attempts, backoff_s, sleep

    def download(self, url: str, dest: Path, prefix: bytes = b"") -> None:
        """Write `prefix` + the body of `url` to `dest` (the caller checks what was written)."""
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                log.info("retrying %s after %s", url, last)
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            log.info("GET %s", url)
            try:
                with self.client.stream("GET", url) as response:
                    if response.status_code in RETRY_STATUS:
                        last = f"HTTP {response.status_code}"
                        continue
                    if response.status_code != 200:
                        raise FetchError(f"{url}: HTTP {response.status_code}" + (" (not found)" if response.status_code == 404 else ""))
                    with dest.open("wb") as fh:
                        fh.write(prefix)
                        for chunk in response.iter_bytes():
                            fh.write(chunk)
                    return
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = f"{type(exc).__name__}: {exc}"
            except httpx.HTTPError as exc:  # e.g. a body that fails to decode: retrying won't help
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
        raise FetchError(f"{url}: gave up after {self.attempts} attempts ({last})")


@contextmanager
def _temp_beside(target: Path) -> Iterator[Path]:
    """A temp file in the target's folder (so the rename is atomic), removed unless renamed away."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _install(tmp: Path, target: Path, spec: DataFile) -> None:
    """Rename `tmp` onto `target` if it passes `spec`'s check; otherwise the bad download is dropped."""
    problem = check_file(tmp, spec)
    if problem:
        raise FetchError(f"{spec.path}: {problem}; the download was not kept")
    os.replace(tmp, target)


def _url(spec: DataFile, base_url: str) -> str:
    if spec.source is not None:
        return spec.source.url(base_url)
    if spec.url is None:
        raise FetchError(f"{spec.path}: the manifest gives no source to download it from")
    return spec.url


class DataFetcher:
    """Fetches whole datasets into `data_dir`."""

    def __init__(self, data_dir: Path, downloader: Downloader, *, base_url: str = RAW_HOST, force: bool = False) -> None:
        self.data_dir, self.downloader, self.base_url, self.force = Path(data_dir), downloader, base_url, force

    def _kept(self, dataset: Dataset, spec: DataFile) -> FileOutcome | None:
        """An outcome when the file is present and must be left alone, else None."""
        if self.force or not (self.data_dir / spec.path).is_file():
            return None
        status = file_status(self.data_dir, dataset, spec)
        note = "present and verified" if status.ok else f"present but {status.problem}; use --force to replace it"
        return FileOutcome(path=spec.path, action="kept", message=note)

    def fetch(self, dataset: Dataset) -> list[FileOutcome]:
        if dataset.build is not None:
            return self._fetch_built(dataset)
        return [self._kept(dataset, spec) or self._fetch_file(spec) for spec in dataset.files]

    def _fetch_file(self, spec: DataFile) -> FileOutcome:
        target = self.data_dir / spec.path
        try:
            with _temp_beside(target) as tmp:
                self.downloader.download(_url(spec, self.base_url), tmp, prefix=(spec.header or "").encode("utf-8"))
                _install(tmp, target, spec)
        except (FetchError, OSError) as exc:
            return FileOutcome(path=spec.path, action="failed", message=str(exc))
        return FileOutcome(path=spec.path, action="fetched", message="downloaded and verified")

    def _fetch_built(self, dataset: Dataset) -> list[FileOutcome]:
        """Download every by-day source file, rebuild the tables, install each that passes its totals.
        `build_tables` returns (daily, customers), the order of `dataset.files`."""
        build = dataset.build
        assert build is not None
        kept = {spec.path: self._kept(dataset, spec) for spec in dataset.files}
        todo = [spec for spec in dataset.files if kept[spec.path] is None]
        if not todo:
            return [outcome for outcome in kept.values() if outcome]
        try:
            with tempfile.TemporaryDirectory(prefix=".caeser-build-", dir=self._ensure_dir()) as workdir:
                frames = []
                for source in build.sources():
                    raw_file = Path(workdir) / Path(source.path).name
                    self.downloader.download(source.url(self.base_url), raw_file)
                    frames.append(read_raw(raw_file))
                tables = dict(zip((spec.path for spec in dataset.files), build_tables(frames), strict=True))
        except (FetchError, OSError, ValueError, KeyError) as exc:
            return [FileOutcome(path=spec.path, action="failed", message=f"rebuild failed: {exc}") for spec in todo]
        outcomes = [outcome for outcome in kept.values() if outcome]
        for spec in todo:
            target = self.data_dir / spec.path
            try:
                with _temp_beside(target) as tmp:
                    write_csv_gz(tables[spec.path], tmp)
                    _install(tmp, target, spec)
                outcomes.append(FileOutcome(path=spec.path, action="fetched", message="rebuilt from the by-day files and totals verified"))
            except (FetchError, OSError) as exc:
                outcomes.append(FileOutcome(path=spec.path, action="failed", message=str(exc)))
        return outcomes

    def _ensure_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir
