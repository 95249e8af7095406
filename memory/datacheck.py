"""Proving a data file good: the check its manifest entry names (sha256, rebuilt totals, zip members).

`verify` and `fetch` share this, so a download is accepted by exactly the rule that later verifies it.
"""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from memory.datasets import DataFile, Dataset, Sha256Check, TotalsCheck, ZipMembersCheck

TOTALS_TOLERANCE = 0.005  # sums are of values written with 2 decimals


class FileStatus(BaseModel):
    dataset: str
    path: str
    present: bool
    size: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.present and self.problem is None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_totals(path: Path, check: TotalsCheck, gzipped: bool) -> str | None:
    try:  # compression from the manifest name: a download's temp name ends in .part
        df = pd.read_csv(path, usecols=list(check.sums) or None, compression="gzip" if gzipped else None)
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
        return f"unreadable as the expected table ({exc})"
    if len(df) != check.rows:
        return f"has {len(df):,} rows, expected {check.rows:,}"
    for column, expected in check.sums.items():
        got = float(df[column].sum())
        if abs(got - expected) > TOTALS_TOLERANCE:
            return f"{column} totals {got:,.2f}, expected {expected:,.2f}"
    return None


def _check_zip(path: Path, check: ZipMembersCheck) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        return f"not a readable zip archive ({exc})"
    missing = [m for m in check.members if m not in names]
    return f"archive lacks {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}" if missing else None


def check_file(path: Path, spec: DataFile) -> str | None:
    """None when `path` passes `spec`'s check, else what is wrong, in words."""
    check = spec.check
    if isinstance(check, Sha256Check):
        got = sha256_file(path)
        return None if got == check.sha256 else f"checksum mismatch: sha256 {got}, expected {check.sha256}"
    if isinstance(check, TotalsCheck):
        return _check_totals(path, check, spec.path.endswith(".gz"))
    return _check_zip(path, check)


def file_status(data_dir: Path, dataset: Dataset, spec: DataFile, *, deep: bool = True) -> FileStatus:
    """Presence and size always; the content check only when `deep` (it reads the whole file)."""
    path = Path(data_dir) / spec.path
    if not path.is_file():
        return FileStatus(dataset=dataset.name, path=spec.path, present=False, problem="missing")
    problem = check_file(path, spec) if deep else None
    return FileStatus(dataset=dataset.name, path=spec.path, present=True, size=path.stat().st_size, problem=problem)
