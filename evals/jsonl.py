"""Labelled eval files are JSON lines of one pydantic model; a bad line stops the eval naming it."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

Row = TypeVar("Row", bound=BaseModel)


def load_rows(path: Path, model: type[Row], what: str) -> list[Row]:
    """Every non-blank line of `path` as `model`; a line that is not one exits with `path:line`."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(model.model_validate_json(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{number}: not {what} ({exc.__class__.__name__}): {line[:80]}") from None
    return rows
