"""Which column holds which field: given with --map, else inferred from known column names.

Inference is deliberately narrow (`fields.FieldSpec.synonyms`): exact names after normalising case
and punctuation. A required field no column claims, or a field two columns claim, stops the import
with the columns to choose from, so the person answers with --map instead of finding wrong numbers
later.
"""
from __future__ import annotations

from collections.abc import Mapping

from memory.imports.fields import KindSpec, normalise
from memory.imports.readers import ImportFailed, RawTable


def parse_map(pairs: list[str]) -> dict[str, str]:
    """`["Qty sold=units", ...]` → {"Qty sold": "units"}; a malformed pair is refused."""
    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, name = pair.rpartition("=")
        if not sep or not column.strip() or not name.strip():
            raise ImportFailed(f"--map {pair!r}: write COLUMN=FIELD, e.g. --map 'Qty sold=units'")
        out[column.strip()] = name.strip()
    return out


def infer(table: RawTable, spec: KindSpec, given: Mapping[str, str] | None = None, preset: Mapping[str, str] | None = None) -> dict[str, str]:
    """field → column. `given` (the person's --map) wins, then `preset` (a named export format's
    columns, used when present), then synonyms."""
    names = {f.name for f in spec.fields}
    by_norm = {normalise(c): c for c in table.columns}
    chosen: dict[str, str] = {}
    for column, name in (given or {}).items():
        if name not in names:
            raise ImportFailed(f"--map {column}={name}: {spec.kind} has no field {name!r}; fields: {', '.join(sorted(names))}")
        actual = by_norm.get(normalise(column))
        if actual is None:
            raise ImportFailed(f"{table.label} line 1: no column {column!r} to map to {name} (columns: {', '.join(table.columns)})")
        chosen[name] = actual
    taken = set(chosen.values())
    for name, column in (preset or {}).items():
        actual = by_norm.get(normalise(column))
        if name not in chosen and actual is not None and actual not in taken:
            chosen[name] = actual
            taken.add(actual)
    for f in spec.fields:
        if f.name in chosen:
            continue
        candidates = [c for c in table.columns if c not in taken and f.matches(c)]
        exact = [c for c in candidates if normalise(c) == f.name]
        if len(candidates) > 1 and len(exact) != 1:
            raise ImportFailed(f"{table.label} line 1: columns {', '.join(repr(c) for c in candidates)} could each be {f.name} ({f.help or f.name}); "
                               f"choose one with --map, e.g. --map '{candidates[0]}={f.name}'")
        if candidates:
            chosen[f.name] = exact[0] if exact else candidates[0]
            taken.add(chosen[f.name])
    missing = [f for f in spec.fields if f.required and f.name not in chosen]
    if missing:
        free = [c for c in table.columns if c not in taken]
        wanted = "; ".join(f"{f.name} ({f.help})" for f in missing)
        raise ImportFailed(f"{table.label} line 1: no column is recognisably {wanted}. Columns not yet mapped: {', '.join(repr(c) for c in free) or 'none'}. "
                           f"Name the right one with --map, e.g. --map '{free[0] if free else 'COLUMN'}={missing[0].name}'")
    return chosen
