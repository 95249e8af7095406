"""Import benchmark: N generic order lines (CSV, two currencies, 2,000 SKUs over a year) imported as
sales into a fresh SQLite home, then imported again (idempotent: nothing added).

Target: 1,000,000 lines in ≤ 60 s on 2 cores. Peak memory is the process's maximum resident set
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
from tests.memory.imports.fixtures import order_lines_csv


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
    print(f"imports order_lines_per_s={args.lines / wall:,.0f} wall_s={wall:.1f} peak_mb={peak_mb:.0f} (n={args.lines} lines)")
    return 0 if summary.imported == args.lines and again.imported == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
