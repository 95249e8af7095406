"""Derived arrays persisted under CAESER_HOME so a new process loads in milliseconds what the first one computed.

WHY: a fresh `caeser chat --once` otherwise re-derives the same things every time (the planner's
fitted intent model, the survey items' sentence vectors) — seconds each on a small machine. Every
artifact's file name carries a fingerprint of everything it was derived from (model name, source
texts or files, library version), so a changed input simply misses and is rebuilt: nothing is ever
invalidated by hand. Files are plain `.npz` arrays (no pickle), written to a temporary file and
renamed into place, so a reader never sees half a file; a file that fails to read is treated as
absent and rebuilt.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import numpy as np

log = logging.getLogger(__name__)

Arrays = dict[str, np.ndarray]
T = TypeVar("T")


def fingerprint(*parts: str) -> str:
    """A short digest of the inputs an artifact was derived from (16 hex digits)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def files_fingerprint(paths: Iterable[Path]) -> str:
    """Size and modification time of each file (absent files count too): cheap, and changes whenever a file is replaced or edited."""
    parts = []
    for path in sorted(Path(p) for p in paths):
        try:
            st = path.stat()
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:absent")
    return fingerprint(*parts)


def load_arrays(path: Path) -> Arrays | None:
    """The arrays saved at `path`, or None when the file is absent or unreadable (then it is rebuilt)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            return {name: z[name] for name in z.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("ignoring unreadable cache %s (%s); rebuilding it", path, type(exc).__name__)
        return None


def save_arrays(path: Path, arrays: Arrays) -> None:
    """Write atomically: a temporary file beside `path`, renamed over it once complete. A failure
    to write (read-only or full disk) is logged and ignored: the cache is an optimisation."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, **arrays)
            os.replace(name, path)
        finally:
            Path(name).unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not write cache %s (%s)", path, exc)


def cached_arrays(path: Path, build: Callable[[], Arrays], required: Iterable[str] = ()) -> Arrays:
    """The arrays at `path`, or `build()`'s, saved there for next time. A file missing one of the
    `required` names (written by an older layout) counts as absent."""
    arrays = load_arrays(path)
    if arrays is None or any(name not in arrays for name in required):
        arrays = build()
        save_arrays(path, arrays)
    return arrays


def load_model(path: Path, cache: dict[Path, tuple[float, T]], parse: Callable[[Arrays], T], why_none: str) -> T | None:
    """A model saved as arrays, parsed once per process and again when its file changes (`cache`
    maps the path to its modification time and model); None when there is no file or it does not
    parse (another layout, a truncated write: logged with `why_none`, what the caller falls back to)."""
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    cached = cache.get(path)
    if cached is None or cached[0] != mtime:
        try:
            model = parse(load_arrays(path) or {})
        except (ValueError, KeyError) as exc:
            log.warning("model %s does not load (%s); %s", path, exc, why_none)
            return None
        cached = (mtime, model)
        cache[path] = cached
    return cached[1]


def saved_key(path: Path) -> str | None:
    """The `data_key` member a model file records (what it was trained from), read without loading
    the rest; None when the file is absent or unreadable."""
    try:
        with np.load(path) as saved:
            return str(saved["data_key"]) if "data_key" in saved.files else ""
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
