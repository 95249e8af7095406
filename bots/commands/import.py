"""`caeser import sales|catalog|customers|survey|campaigns SOURCE`: the owner's own data in.

Thin: `memory.imports.run.import_source` reads, maps, validates and stores; this module parses,
prints the import report (each bad row by line) and sets the exit status: 0 when rows were
imported or were already there, 1 when every row was bad, 2 when the source cannot be read at all
(nothing stored then).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from memory.imports.fields import KINDS
from memory.imports.readers import FORMATS, ImportFailed
from memory.imports.run import import_source
from memory.owner import Owner
from memory.settings import get_settings


def run_import(args: argparse.Namespace) -> int:
    try:
        summary = import_source(get_settings(), Owner.cli(), args.kind, args.source, fmt=args.format, given=args.map, name=args.name,
                                encoding=args.encoding, currency=args.currency or "", query=args.query, table=args.table, cells=args.range)
    except ImportFailed as exc:
        print(f"caeser import: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    if args.errors and summary.errors:
        args.errors.write_text("".join(f"{summary.unit} {e.line}: {e.message}\n" for e in summary.errors), encoding="utf-8")
        print(f"all {len(summary.errors)} bad rows written to {args.errors}")
    return 1 if summary.errors and not (summary.imported or summary.already or summary.updated) else 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="import your own sales, catalog, customers, survey or campaign results (CSV, JSON lines, Parquet, Shopify, WooCommerce, SQL, Google Sheets)",
                                   description="Import a file or SQL query as your own data; the engines then prefer it and name it in their source line. "
                                               "Re-importing the same file changes nothing; a later file extends the history. See docs/imports.md.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("source", help="a file path; for --format sql a SQLAlchemy URL (postgresql+psycopg://user@host/db); for --format sheet a Google Sheets URL or id")
    parser.add_argument("--format", choices=FORMATS, help="default: from the file suffix (.csv, .jsonl, .parquet), sql for a database URL")
    parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD", help="which column holds a field when it cannot be inferred, e.g. --map 'Qty sold=units' (repeatable)")
    parser.add_argument("--name", help="the import's name (default: the file name); re-importing under it adds only new rows")
    parser.add_argument("--encoding", default="utf-8", help="the file's text encoding (default utf-8; e.g. latin-1, cp1252)")
    parser.add_argument("--currency", help="sales: the currency of rows that name none (3-letter code)")
    parser.add_argument("--query", help="sql: the SELECT to run")
    parser.add_argument("--table", help="sql: a table to read whole")
    parser.add_argument("--range", help="sheet: the tab or A1 range to read (default Sheet1); the service-account key comes from CAESER_GOOGLE_SERVICE_ACCOUNT_JSON")
    parser.add_argument("--errors", type=Path, help="write every bad row (line and reason) to this file")
    parser.set_defaults(func=run_import)
