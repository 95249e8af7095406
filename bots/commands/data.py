"""`caeser data list|verify|fetch`: what datasets are in the data dir, are they intact, get them.

Thin: the manifest (`memory.datasets`), the checks (`memory.datacheck`) and the downloads
(`memory.datafetch`) do the work; this module parses, prints and sets the exit status.
"""
from __future__ import annotations

import argparse
import os
import sys

import httpx

from memory.datacheck import FileStatus, file_status
from memory.datafetch import DataFetcher, Downloader, FileOutcome
from memory.datasets import DATASETS, RAW_HOST, Dataset, UnknownDataset, resolve
from memory.settings import get_settings

BASE_URL_ENV = "CAESER_DATA_BASE_URL"


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


def _error(message: str) -> int:
    print(f"caeser data: {message}", file=sys.stderr)
    return 2


def run_list(args: argparse.Namespace) -> int:
    if args.own:
        return run_list_own(args)
    data_dir = get_settings().data_dir
    print(f"data dir: {data_dir}")
    rows = [("dataset", "files", "status", "size", "licence")]
    for ds in DATASETS:
        statuses = [file_status(data_dir, ds, spec, deep=False) for spec in ds.files]
        present = sum(s.present for s in statuses)
        status = "present" if present == len(statuses) else "missing" if present == 0 else f"partial {present}/{len(statuses)}"
        size = _size(sum(s.size or 0 for s in statuses)) if present else "-"
        rows.append((ds.name, str(len(ds.files)), status, size, ds.licence))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
    return 0


def run_list_own(args: argparse.Namespace) -> int:
    """Your imports (`caeser import …`): kind, name, rows, dates, currencies, when."""
    from memory.imports.store import datasets
    from memory.owner import Owner

    owner = Owner.cli()
    mine = [d for d in datasets(get_settings(), owner) if d.owner == owner.key]
    if not mine:
        print(f"no imports for {owner.key}: bring data in with `caeser import sales|catalog|customers|survey|campaigns FILE`")
        return 0
    rows = [("kind", "name", "rows", "dates", "currencies", "updated")]
    rows += [(d.kind, d.name, f"{d.rows:,}", f"{d.first_day}…{d.last_day}" if d.first_day else "-", ",".join(d.currencies) or "-", f"{d.updated_at:%Y-%m-%d %H:%M}")
             for d in mine]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def run_forget(args: argparse.Namespace) -> int:
    """Delete one of your imports by name, with everything imported under it."""
    from memory.imports.store import find_datasets, forget
    from memory.owner import Owner

    owner = Owner.cli()
    found = find_datasets(get_settings(), owner, " ".join(args.name))
    if args.kind:
        found = [d for d in found if d.kind == args.kind]
    if len(found) != 1:
        names = ", ".join(f"{d.kind} '{d.name}'" for d in found) or "none"
        return _error(f"{len(found)} of your imports match {' '.join(args.name)!r} ({names}); name exactly one (see `caeser data list --own`, --kind)")
    forget(get_settings(), owner, [found[0].id])
    print(f"forgot {found[0].kind} '{found[0].name}' ({found[0].rows:,} rows)")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    data_dir = get_settings().data_dir
    try:
        datasets = resolve(args.names)
    except UnknownDataset as exc:
        return _error(str(exc))
    explicit = bool(args.names) and args.names != ["all"]
    if not explicit:  # optional datasets (MovieLens) are verified when present or named
        datasets += [d for d in DATASETS if d.optional and any((data_dir / f.path).is_file() for f in d.files)]
    statuses: list[FileStatus] = [file_status(data_dir, ds, spec) for ds in datasets for spec in ds.files]
    for s in statuses:
        print(f"{'ok  ' if s.ok else 'FAIL'}  {s.dataset:<22} {s.path}" + ("" if s.ok else f": {s.problem}"))
    bad = [s for s in statuses if not s.ok]
    if bad:
        print(f"{len(bad)} of {len(statuses)} files failed: {', '.join(s.path for s in bad)}", file=sys.stderr)
        force = " --force" if any(s.present for s in bad) else ""
        print(f"fix with `caeser data fetch{force} {' '.join(dict.fromkeys(s.dataset for s in bad))}`", file=sys.stderr)
        return 1
    print(f"all {len(statuses)} files verified")
    return 0


def _print_outcome(dataset: Dataset, outcome: FileOutcome) -> None:
    print(f"{outcome.action:<7}  {dataset.name:<22} {outcome.path}: {outcome.message}")


def run_fetch(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not args.base_url.startswith(("http://", "https://")):
        return _error(f"--base-url must be an http(s) URL, got {args.base_url!r}")
    try:
        datasets = resolve(args.names)
    except UnknownDataset as exc:
        return _error(str(exc))
    failed = 0
    timeout = httpx.Timeout(args.timeout, connect=min(args.timeout, 10.0))
    with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "caeser-data-fetch"}) as client:
        fetcher = DataFetcher(settings.data_dir, Downloader(client), base_url=args.base_url, force=args.force)
        for ds in datasets:
            if ds.notice:
                print(f"{ds.name}: {ds.notice}", file=sys.stderr)
            if ds.requires_acceptance and not args.accept_terms:
                print(f"refused  {ds.name:<22} needs --accept-terms (terms above)", file=sys.stderr)
                failed += 1
                continue
            for outcome in fetcher.fetch(ds):
                _print_outcome(ds, outcome)
                failed += outcome.action == "failed"
    return 1 if failed else 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="list, verify and fetch the datasets in CAESER_DATA_DIR")
    sub = parser.add_subparsers(dest="data_command", required=True)

    listing = sub.add_parser("list", help="datasets, their files, presence, size and licence")
    listing.add_argument("--own", action="store_true", help="list your own imports (`caeser import …`) instead")
    listing.set_defaults(func=run_list)

    forget = sub.add_parser("forget", help="delete one of your imports by name (see `caeser data list --own`)")
    forget.add_argument("name", nargs="+", help="the import's name, e.g. q3 survey")
    forget.add_argument("--kind", choices=("sales", "catalog", "customers", "survey", "campaigns"), help="when two imports of different kinds share the name")
    forget.set_defaults(func=run_forget)

    verify = sub.add_parser("verify", help="check files against the manifest (sha256, or totals for rebuilt tables)")
    verify.add_argument("names", nargs="*", metavar="NAME", help="datasets to verify (default: all)")
    verify.set_defaults(func=run_verify)

    fetch = sub.add_parser("fetch", help="download datasets from their pinned public sources, verified before use")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="datasets to fetch, or `all` (default; excludes movielens)")
    fetch.add_argument("--base-url", default=os.environ.get(BASE_URL_ENV) or RAW_HOST,
                       help=f"replaces {RAW_HOST} (also ${BASE_URL_ENV}); a mirror laid out owner/repo/commit/path")
    fetch.add_argument("--force", action="store_true", help="replace files already present")
    fetch.add_argument("--accept-terms", action="store_true", help="accept the terms of datasets that require it (movielens)")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds per request before a retry (default 30)")
    fetch.set_defaults(func=run_fetch)
