"""The built CADENCE artefacts under CAESER_HOME/models/cadence: the language models (safetensors, with
their config and vocabulary in the file's metadata — never pickle) and the prefix-index entries
(gzip JSON lines). Loaded once per process and reloaded when the files change.

Every file is written to a temporary name and renamed into place, so a build that crashes or is
killed leaves the previous artefacts whole. The index's first line (`IndexMeta`) records the
fingerprint of the data it was built from; `cadence_state` compares it with the data dir as it is
now ("built", "stale", "missing", or "no_data" when none of the input files is there).
"""
from __future__ import annotations

import gc
import gzip
import json
import threading
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.vocab import CharVocab
from memory.artifacts import fingerprint, files_fingerprint
from memory.settings import Settings

if TYPE_CHECKING:  # torch is imported only by the functions that read or write a language model
    from engines.cadence.lm import CadenceLM


class IndexMeta(BaseModel):
    """What the build recorded next to the index: category names (id → name) and where entries came from."""

    categories: dict[int, str] = {}
    sources: dict[str, int] = {}
    built_at: str = ""
    fingerprint: str = ""  # of the input files and build version (`inputs_fingerprint`)
    products_collection: str = "products"  # the Chroma collection holding this build's product vectors
    generator: str = ""  # where the generated queries came from


# The files the index is built from; a change to any (size or modification time) makes it stale.
CADENCE_INPUTS = ("catalog/flipkart_products.csv", "catalog/amazon_uk_toys.csv", "sales/online_retail_daily.csv.gz",
                  "queries/wands_queries.csv", "queries/esci_us_queryset.json", "queries/trec05.completions")
BUILD_VERSION = "cadence-2"  # bump when the build's output changes for the same data

CadenceState = Literal["built", "stale", "missing", "no_data"]


def cadence_dir(settings: Settings) -> Path:
    return settings.models_dir / "cadence"


def inputs_fingerprint(settings: Settings) -> str:
    """The data (and embedding model) an index is built from: a change to either calls for a rebuild."""
    return fingerprint(BUILD_VERSION, settings.embedding_model, files_fingerprint(Path(settings.data_dir) / f for f in CADENCE_INPUTS))


def cadence_state(settings: Settings) -> CadenceState:
    """Whether the built index matches the data dir as it is now (a stat per input file and one
    cached read of the index header: cheap enough for every call)."""
    if not any((Path(settings.data_dir) / f).is_file() for f in CADENCE_INPUTS):
        return "no_data"
    meta = read_meta(settings)
    if meta is None:
        return "missing"
    return "built" if meta.fingerprint == inputs_fingerprint(settings) else "stale"


def _replace_atomically(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(final)


def save_lm(path: Path, model: CadenceLM, vocab: CharVocab, key: str = "") -> None:
    """Save with `key`, the fingerprint of what it was trained on, so a build can reuse it."""
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_name(path.name + ".tmp")
    save_file(state, str(tmp), metadata={"config": model.config.model_dump_json(), "vocab": vocab.model_dump_json(), "fingerprint": key})
    _replace_atomically(tmp, path)


def lm_fingerprint(path: Path) -> str | None:
    """The training fingerprint saved with a language model, or None (absent or unreadable file)."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as fh:
            return (fh.metadata() or {}).get("fingerprint")
    except Exception:  # noqa: BLE001 - a truncated or foreign file is simply not a cached model
        return None


def load_lm(path: Path) -> tuple[CadenceLM, CharVocab]:
    from safetensors import safe_open
    from safetensors.torch import load_file

    from engines.cadence.lm import CadenceLM, LMConfig

    with safe_open(str(path), framework="pt") as fh:
        meta = fh.metadata()
    model = CadenceLM(LMConfig.model_validate_json(meta["config"]))
    model.load_state_dict(load_file(str(path)))
    model.eval()
    return model, CharVocab.model_validate_json(meta["vocab"])


def save_index(settings: Settings, entries: dict[str, Entry], meta: IndexMeta) -> Path:
    """Write to a temporary file and rename, so a reader never sees a half-written index."""
    folder = cadence_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "index.jsonl.gz.tmp"
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        fh.write(meta.model_dump_json() + "\n")
        for text, e in entries.items():
            fh.write(json.dumps([text, e.weight, e.source, e.category]) + "\n")
    final = folder / "index.jsonl.gz"
    _replace_atomically(tmp, final)
    return final


_META: dict[str, tuple[float, IndexMeta]] = {}


def read_meta(settings: Settings) -> IndexMeta | None:
    """The index header alone (cached until the file changes), or None when there is no index."""
    path = cadence_dir(settings) / "index.jsonl.gz"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _META.get(str(path))
    if cached is None or cached[0] != mtime:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            cached = (mtime, IndexMeta.model_validate_json(fh.readline()))
        _META[str(path)] = cached
    return cached[1]


_CACHE: dict[str, tuple[float, PrefixIndex, IndexMeta]] = {}
_LOCK = threading.Lock()


def load_index(settings: Settings) -> tuple[PrefixIndex, IndexMeta] | None:
    """The built index and its metadata, or None when `caeser build` has not made one."""
    path = cadence_dir(settings) / "index.jsonl.gz"
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    with _LOCK:
        cached = _CACHE.get(str(path))
        if cached is None or cached[0] != mtime:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                meta = IndexMeta.model_validate_json(fh.readline())
                rows = json.loads("[" + ",".join(line for line in fh if line.strip()) + "]")  # one parse, not one per row: half the time
                entries = {t: Entry(w, s, c) for t, w, s, c in rows}
            cached = (mtime, PrefixIndex(entries), meta)
            _CACHE[str(path)] = cached
            # Millions of static strings would make every full GC pass walk them (tens of ms, the
            # p99 of a keystroke); frozen objects are never scanned.
            gc.freeze()
    return cached[1], cached[2]
