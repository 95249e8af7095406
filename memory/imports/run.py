"""One import, start to end: read → (shop export → sales lines) → map → validate → store, and the
summary a person reads: rows, date range, SKUs, duplicates merged, currency, each bad row by line."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from memory.imports import exports, mapping, readers, store, validate
from memory.imports.fields import SPECS, Kind
from memory.imports.readers import ImportFailed, RowError
from memory.owner import Owner
from memory.settings import Settings

SHOWN_ERRORS = 10


class ImportSummary(BaseModel):
    kind: Kind
    name: str
    label: str
    format: str
    read: int
    imported: int
    updated: int = 0
    already: int = 0
    duplicates: int = 0
    keys: int = 0
    first_day: str | None = None
    last_day: str | None = None
    revenue: dict[str, float] = {}
    mapping: dict[str, str] = {}
    errors: list[RowError] = []
    notes: list[str] = []
    unit: str = "line"

    def lines(self) -> list[str]:
        """The report, one fact a line: what came in, what was skipped and why, where to look."""
        noun = {"sales": "SKUs", "catalog": "products", "customers": "customers", "survey": "respondents", "campaigns": "campaigns"}[self.kind]
        out = [f"{self.label} → {self.kind} import '{self.name}': read {self.read:,} rows, imported {self.imported:,} new"
               + (f", updated {self.updated:,}" if self.updated else "") + f"; {self.already:,} already imported (unchanged)"
               + f"; {self.duplicates:,} duplicate rows merged; {len(self.errors):,} bad rows skipped."]
        what = f"now holds {self.keys:,} {noun}"
        if self.first_day:
            what += f", {self.first_day} to {self.last_day}"
        out.append(f"'{self.name}' {what}.")
        if self.kind == "sales":
            if self.revenue and any(self.revenue):
                money = "; ".join(f"{c or 'no currency'} {v:,.2f}" for c, v in sorted(self.revenue.items()))
                out.append(f"Revenue added, kept per currency (never converted or summed across currencies): {money}.")
            elif self.imported:
                out.append("No currency column: revenue stored without a currency (name one with --currency EUR).")
        out.append("Columns used: " + ", ".join(f"{f} ← {c!r}" for f, c in self.mapping.items()) + ".")
        out += [note[0].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in self.notes]
        for e in self.errors[:SHOWN_ERRORS]:
            out.append(f"  {self.unit} {e.line}: {e.message}")
        if len(self.errors) > SHOWN_ERRORS:
            out.append(f"  … and {len(self.errors) - SHOWN_ERRORS} more bad rows (see --errors FILE for all)")
        return out

    def sentence(self) -> str:
        return " ".join(line.strip() for line in self.lines())


def import_source(settings: Settings, owner: Owner, kind: Kind, source: str, *, fmt: str | None = None, given: list[str] | None = None,
                  name: str | None = None, encoding: str = "utf-8", currency: str = "", query: str | None = None, table: str | None = None,
                  cells: str | None = None) -> ImportSummary:
    """Import `source` as `kind` for `owner`. Raises `ImportFailed` when nothing can be imported."""
    if kind not in SPECS:
        raise ImportFailed(f"unknown kind {kind!r}: one of {', '.join(SPECS)}")
    fmt = readers.format_of(source, fmt)
    if fmt not in readers.FORMATS:
        raise ImportFailed(f"unknown format {fmt!r}: one of {', '.join(readers.FORMATS)}")
    if fmt in exports.EXPORTS and kind != "sales":
        raise ImportFailed(f"a {fmt} orders export is sales data: use `caeser import sales … --format {fmt}`")
    if currency and not (len(currency) == 3 and currency.isalpha()):
        raise ImportFailed(f"--currency {currency!r} is not a 3-letter code such as EUR")
    raw = readers.read_source(source, kind, fmt, encoding=encoding, query=query, table=table, settings=settings, cells=cells)
    notes: list[str] = []
    read = len(raw) + len(raw.errors)
    spec = SPECS[kind]
    if fmt in exports.EXPORTS:
        raw, notes, chosen = exports.to_sales_lines(raw, exports.EXPORTS[fmt])
    else:
        chosen = mapping.infer(raw, spec, mapping.parse_map(given or []))
    checked = validate.check(kind, raw, chosen, currency)
    notes += checked.notes or []
    notes += list(spec.notes)
    default_name = {"sql": table or "sql query", "sheet": f"sheet {cells or 'Sheet1'}"}.get(fmt) or Path(source).stem
    dataset = store.dataset_name(name or default_name)
    origin = {"sql": lambda: readers.safe_origin(source), "sheet": lambda: raw.label}.get(fmt, lambda: str(Path(source).resolve()))()
    if checked.frame.empty:
        stored = store.Stored(dataset=dataset)
    elif kind == "sales":
        stored = store.store_sales(settings, owner, dataset, origin, fmt, checked.frame)
    else:
        stored = store.store_records(settings, owner, kind, dataset, origin, fmt, checked.frame, spec.fields[0].name)
    return ImportSummary(kind=kind, name=dataset, label=raw.label, format=fmt, read=read, imported=stored.new, updated=stored.updated,
                         already=stored.unchanged, duplicates=checked.identical + stored.repeated, keys=stored.keys,
                         first_day=str(stored.first_day) if stored.first_day else None, last_day=str(stored.last_day) if stored.last_day else None,
                         revenue=stored.revenue, mapping=chosen, errors=checked.errors, notes=notes, unit=raw.unit)
