"""Import benchmark: N generic order lines (CSV, two currencies, 2,000 SKUs over a year) imported as
sales into a fresh SQLite home, then imported again (idempotent: nothing added); then a 10,000-product
catalog imported and timed until `search_products` and `suggest_queries` answer from it (no build).

Targets: 1,000,000 lines in ≤ 60 s on 2 cores; the catalog searchable and suggested ≤ 60 s after
its import starts. Peak memory is the process's maximum resident set
(`resource.getrusage`), which includes the interpreter and libraries. The file is generated before
the clock starts. Last line: `imports order_lines_per_s=X wall_s=Y peak_mb=Z (n=N lines)`.
Run: `python -m evals.bench.imports [--lines N]`.
"""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from memory.imports.run import import_source
from memory.owner import Owner
from memory.settings import Settings
from tests.memory.imports.fixtures import catalog_csv, order_lines_csv
from tools.base import ToolContext
from tools.registry import run_tool


def catalog_ready_s(settings: Settings, owner: Owner, folder: Path, n: int = 10_000) -> float:
    """Seconds from the start of a catalog import until search and autosuggest both answer from it."""
    catalog_csv(folder / "catalog.csv", n)
    ctx = ToolContext(settings=settings, thread_id="bench-imports", owner=owner)
    t = time.perf_counter()
    import_source(settings, owner, "catalog", str(folder / "catalog.csv"))
    found = run_tool("search_products", {"query": "walnut side table", "k": 3}, ctx)
    suggested = run_tool("suggest_queries", {"prefix": "walnut s"}, ctx)
    ready = time.perf_counter() - t
    assert "catalog import" in found.source and "catalog import" in suggested.source, (found.source, suggested.source)
    print(f"catalog: {n:,} products imported, searched ({found.data.results[0].title}) and suggested ({suggested.data.suggestions[0].text}) in {ready:.1f} s")
    return ready


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "order_lines.csv"
        t = time.perf_counter()
        order_lines_csv(path, args.lines)
        print(f"generated {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        settings = Settings(CAESER_HOME=Path(tmp) / "home", CAESER_DATABASE_URL=None, CAESER_AUTOBUILD=False, _env_file=None)
        owner = Owner.cli("bench")
        t = time.perf_counter()
        summary = import_source(settings, owner, "sales", str(path))
        wall = time.perf_counter() - t
        print("\n".join(summary.lines()[:3]))
        t = time.perf_counter()
        again = import_source(settings, owner, "sales", str(path))
        print(f"re-import: {again.imported} new, {again.already:,} already imported, {time.perf_counter() - t:.1f} s")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ready = catalog_ready_s(settings, owner, Path(tmp))
    print(f"imports catalog_ready_s={ready:.1f} (n=10000 products)")
    print(f"imports order_lines_per_s={args.lines / wall:,.0f} wall_s={wall:.1f} peak_mb={peak_mb:.0f} (n={args.lines} lines)")
    return 0 if summary.imported == args.lines and again.imported == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
