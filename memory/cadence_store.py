"""The built CADENCE artefacts under CAESER_HOME/models/cadence: the language models (safetensors, with
their config and vocabulary in the file's metadata — never pickle) and the prefix-index entries
(gzip JSON lines). Loaded once per process and reloaded when the files change."""
from __future__ import annotations

import gc
import gzip
import json
import threading
from pathlib import Path

from typing import TYPE_CHECKING

from pydantic import BaseModel

from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.vocab import CharVocab
from memory.settings import Settings

if TYPE_CHECKING:  # torch is imported only by the functions that read or write a language model
    from engines.cadence.lm import CadenceLM


class IndexMeta(BaseModel):
    """What the build recorded next to the index: category names (id → name) and where entries came from."""

    categories: dict[int, str] = {}
    sources: dict[str, int] = {}
    built_at: str = ""


def cadence_dir(settings: Settings) -> Path:
    return settings.models_dir / "cadence"


def save_lm(path: Path, model: CadenceLM, vocab: CharVocab) -> None:
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path), metadata={"config": model.config.model_dump_json(), "vocab": vocab.model_dump_json()})


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
    tmp.replace(final)
    return final


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
                entries = {t: Entry(w, s, c) for t, w, s, c in map(json.loads, fh)}
            cached = (mtime, PrefixIndex(entries), meta)
            _CACHE[str(path)] = cached
            # Millions of static strings would make every full GC pass walk them (tens of ms, the
            # p99 of a keystroke); frozen objects are never scanned.
            gc.freeze()
    return cached[1], cached[2]
