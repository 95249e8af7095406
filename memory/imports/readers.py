"""Reading a source into a table of text cells with the line (or row) each came from.

Every reader returns a `RawTable`: columns as read, every cell as a string ("" when empty), and per
row its physical line in the file (CSV, JSON lines) or its row number (Parquet, SQL), so a bad row is
reported where the person can find it. A file that cannot be read at all (wrong encoding, no
header, not a table) raises `ImportFailed` naming the file, the line and the column.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel

from memory.imports.fields import SPECS, normalise
from memory.settings import Settings

FORMATS = ("csv", "jsonl", "parquet", "shopify", "woocommerce", "sql", "sheet")
_LOOKS_LIKE_VALUE = re.compile(r"^\s*[-+]?(\d[\d,]*\.?\d*|\d{4}-\d{2}-\d{2}.*|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}.*)\s*$")


class ImportFailed(Exception):
    """The source as a whole cannot be imported; the message says where and what to do."""


class RowError(BaseModel):
    line: int
    message: str


@dataclass
class RawTable:
    label: str  # the file name (or "SQL query") messages start with
    unit: str  # "line" for text files, "row" for Parquet and SQL
    columns: list[str]
    cells: dict[str, list[str]]
    lines: np.ndarray
    errors: list[RowError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def where(self, line: int, column: str | None = None) -> str:
        return f"{self.label} {self.unit} {line}" + (f", column {column!r}" if column else "")


def format_of(source: str, given: str | None) -> str:
    """The format asked for, else the one a file's suffix names (CSV by default)."""
    if given:
        return given
    if "docs.google.com/spreadsheets/" in source:
        return "sheet"
    if re.match(r"^[a-z][a-z0-9+]*://", source) and not source.startswith("file://"):
        return "sql"
    suffix = Path(source).suffix.lower()
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet"}.get(suffix, "csv")


def _decode(path: Path, encoding: str) -> str:
    """The file as text; undecodable bytes stop the import with the line, the CSV column and the fix."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        header = raw.split(b"\n", 1)[0].decode(encoding, errors="replace").rstrip("\r")
        delimiter = max((",", ";", "\t"), key=header.count)
        fields = next(csv.reader([header], delimiter=delimiter), [])
        field_no = raw[line_start:exc.start].count(delimiter.encode())
        where = f"column {fields[field_no].strip()!r}" if line > 1 and field_no < len(fields) else f"character {len(raw[line_start:exc.start].decode(encoding, errors='replace')) + 1}"
        raise ImportFailed(f"{path.name} line {line}, {where}: byte 0x{raw[exc.start]:02x} is not {encoding} text. "
                           f"Re-save the file as UTF-8, or name its encoding with --encoding (e.g. --encoding latin-1 or cp1252).") from None
    except LookupError:
        raise ImportFailed(f"unknown encoding {encoding!r} for {path.name}") from None


def _check_header(label: str, header: list[str], kind: str) -> None:
    """A first line of values (no header) is refused: mapping values as column names would import nonsense."""
    if not header or all(not h.strip() for h in header):
        raise ImportFailed(f"{label} line 1: the header row is empty; the first line must name the columns.")
    spec = SPECS[kind]  # type: ignore[index]
    named = any(f.matches(h) for h in header for f in spec.fields)
    values = [h for h in header if _LOOKS_LIKE_VALUE.match(h)]
    if not named and len(values) * 2 >= len(header):
        raise ImportFailed(f"{label} line 1: no header row — the first line holds values ({', '.join(repr(v) for v in values[:3])}), "
                           f"not column names. Add a first line naming the columns, e.g. {', '.join(f.name for f in spec.fields if f.required)}.")
    seen: dict[str, str] = {}
    for h in header:
        if normalise(h) in seen and h.strip():
            raise ImportFailed(f"{label} line 1, column {h!r}: two columns have this name; rename one.")
        seen[normalise(h)] = h


def read_csv(path: Path, kind: str, encoding: str = "utf-8") -> RawTable:
    """A CSV (comma, semicolon or tab, sniffed from the header line) with a header row."""
    text = _decode(path, encoding)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFailed(f"{path.name} is empty: no header row and no data.") from None
    _check_header(path.name, header, kind)
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    errors: list[RowError] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if len(record) == width:
                rows.append(record)
                lines.append(start)
            elif any(cell.strip() for cell in record):
                errors.append(RowError(line=start, message=f"{len(record)} fields where the header has {width}"))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(f"{path.name} line {reader.line_num}: {exc} (an unclosed quote?)") from None
    cells = dict(zip(header, map(list, zip(*rows)))) if rows else {h: [] for h in header}
    return RawTable(path.name, "line", header, cells, np.asarray(lines, dtype=np.int64), errors)


def read_jsonl(path: Path, kind: str, encoding: str = "utf-8") -> RawTable:
    """JSON lines: one object a line; the columns are every key seen, in first-seen order."""
    records: list[dict] = []
    lines: list[int] = []
    errors: list[RowError] = []
    for number, line in enumerate(_decode(path, encoding).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(line=number, message=f"invalid JSON ({exc.msg}, character {exc.colno})"))
            continue
        if not isinstance(record, dict):
            errors.append(RowError(line=number, message="not a JSON object"))
            continue
        records.append(record)
        lines.append(number)
    return _from_records(path.name, "line", records, lines, errors, kind)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _from_records(label: str, unit: str, records: list[dict], lines: list[int], errors: list[RowError], kind: str) -> RawTable:
    columns = list(dict.fromkeys(k for r in records for k in r))
    if not records:
        raise ImportFailed(f"{label}: no rows to import" + (f" ({len(errors)} unreadable, first at {unit} {errors[0].line}: {errors[0].message})" if errors else "."))
    _check_header(label, columns, kind)
    cells = {c: [_cell(r.get(c)) for r in records] for c in columns}
    return RawTable(label, unit, columns, cells, np.asarray(lines, dtype=np.int64), errors)


def _from_frame(label: str, frame: pd.DataFrame, kind: str) -> RawTable:
    if frame.empty:
        raise ImportFailed(f"{label}: no rows to import.")
    header = [str(c) for c in frame.columns]
    _check_header(label, header, kind)
    cells = {str(c): [_cell(v) for v in frame[c].tolist()] for c in frame.columns}
    return RawTable(label, "row", header, cells, np.arange(1, len(frame) + 1, dtype=np.int64))


def read_parquet(path: Path, kind: str) -> RawTable:
    import pyarrow.lib
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path).to_pandas()
    except pyarrow.lib.ArrowException as exc:
        raise ImportFailed(f"{path.name} is not a readable Parquet file ({exc}).") from None
    return _from_frame(path.name, frame, kind)


def safe_origin(url: str) -> str:
    """A database URL as it may be shown and stored: the password masked."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def read_sql(url: str, kind: str, query: str | None = None, table: str | None = None) -> RawTable:
    """Rows of a SQL query or table through any SQLAlchemy URL (Postgres, MySQL, SQLite…)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    if not (query or table):
        raise ImportFailed("a SQL source needs --query 'SELECT …' or --table NAME")
    try:
        safe = safe_origin(url)
        engine = create_engine(url)
    except (ArgumentError, ValueError, ImportError) as exc:
        raise ImportFailed(f"cannot use the database URL ({type(exc).__name__}: {exc})") from None
    label = f"SQL {'table ' + table if table else 'query'} at {safe}"
    if table and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", table):
        raise ImportFailed(f"--table {table!r} is not a plain table name (letters, digits, _; optionally schema.table); use --query for anything else")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(query or f"SELECT * FROM {table}"))
            frame = pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise ImportFailed(f"{label}: {reason}") from None
    finally:
        engine.dispose()
    return _from_frame(label, frame, kind)


def spreadsheet_id(source: str) -> str:
    """The id in a Google Sheets URL (…/spreadsheets/d/<id>/edit…), or the source itself when it is one."""
    found = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", source)
    if found:
        return found.group(1)
    if re.fullmatch(r"[A-Za-z0-9_-]{10,}", source.strip()):
        return source.strip()
    raise ImportFailed(f"{source!r} is neither a Google Sheets URL nor a spreadsheet id")


def read_sheet(settings: Settings, source: str, kind: str, cells: str = "Sheet1") -> RawTable:
    """A Google Sheet's tab (or range) through the one Sheets client (memory/google_sheets.py): the
    first row is the header; the rows are numbered as the sheet numbers them."""
    from memory.google_sheets import SheetsClient, SheetsError

    sheet = spreadsheet_id(source)
    label = f"sheet {sheet} {cells!r}"
    try:
        values = SheetsClient(settings).read_values(sheet, cells)
    except SheetsError as exc:
        raise ImportFailed(f"{label}: {exc}") from None
    if not values:
        raise ImportFailed(f"{label} is empty: no header row and no data.")
    header = [h.strip() for h in values[0]]
    _check_header(label, header, kind)
    width = len(header)
    rows, lines, errors = [], [], []
    for number, row in enumerate(values[1:], start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            errors.append(RowError(line=number, message=f"{len(row)} cells where the header has {width}"))
        elif any(cell.strip() for cell in row):
            rows.append((row + [""] * width)[:width])  # Sheets leaves trailing empty cells out
            lines.append(number)
    cells_by_column = dict(zip(header, map(list, zip(*rows)))) if rows else {h: [] for h in header}
    return RawTable(label, "row", header, cells_by_column, np.asarray(lines, dtype=np.int64), errors)


def read_source(source: str, kind: str, fmt: str, *, encoding: str = "utf-8", query: str | None = None, table: str | None = None,
                settings: Settings | None = None, cells: str | None = None) -> RawTable:
    """Dispatch on the format; Shopify and WooCommerce exports are CSV files read the same way."""
    if fmt == "sql":
        return read_sql(source, kind, query, table)
    if fmt == "sheet":
        if settings is None:
            raise ImportFailed("a Google Sheet import needs the settings (its service-account key)")
        return read_sheet(settings, source, kind, cells or "Sheet1")
    path = Path(source)
    if not path.is_file():
        raise ImportFailed(f"{source} is not a file")
    if fmt == "jsonl":
        return read_jsonl(path, kind, encoding)
    if fmt == "parquet":
        return read_parquet(path, kind)
    return read_csv(path, kind, encoding)
