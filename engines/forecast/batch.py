"""Many series at once: local processes by default, a Ray or Dask cluster when asked.

WHY processes: each series is independent and the fits are CPU-bound Python (statsmodels, Stan),
so threads would queue on the GIL. Series are sent in chunks so the per-task overhead (pickling,
scheduling) stays small next to the fits.

On a cluster the same function runs unchanged: `backend="ray"` submits one Ray task per chunk to
the cluster `ray.init(address=...)` connected to (or a local one), `backend="dask"` maps chunks on
the `dask.distributed` client in use (or a local one). Neither package is a dependency; asking for
one that is not installed raises `BackendUnavailable` with the pip command.
"""
from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

from engines.forecast.history import Series
from engines.forecast.selection import EngineConfig, ForecastResult, forecast

Backend = Literal["process", "ray", "dask"]


class BackendUnavailable(RuntimeError):
    """A cluster backend was requested but its package is not installed."""


@dataclass(frozen=True)
class BatchItem:
    series_id: str
    result: ForecastResult | None
    error: str | None = None


def _run_chunk(chunk: list[tuple[str, Series]], h: int, config: EngineConfig) -> list[BatchItem]:
    """Forecast each series of the chunk; a series that fails is reported, not fatal to the batch."""
    out = []
    for sid, series in chunk:
        try:
            out.append(BatchItem(sid, forecast(series, h, config)))
        except ValueError as exc:
            out.append(BatchItem(sid, None, str(exc)))
    return out


def _chunks(items: Sequence[tuple[str, Series]], size: int) -> list[list[tuple[str, Series]]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _require(package: str) -> None:
    if importlib.util.find_spec(package) is None:
        raise BackendUnavailable(f"backend {package!r} is not installed: pip install '{package}{'[default]' if package == 'ray' else '[distributed]'}'")


def forecast_many(items: Sequence[tuple[str, Series]], h: int, config: EngineConfig = EngineConfig(), *,
                  workers: int | None = None, backend: Backend = "process", chunk_size: int = 10) -> list[BatchItem]:
    """Forecast every (id, series) h periods ahead; results in input order."""
    chunks = _chunks(items, chunk_size)
    if backend == "ray":
        _require("ray")
        import ray

        if not ray.is_initialized():
            ray.init(address=os.environ.get("RAY_ADDRESS"), ignore_reinit_error=True, log_to_driver=False)
        task = ray.remote(_run_chunk)
        parts = ray.get([task.remote(c, h, config) for c in chunks])
    elif backend == "dask":
        _require("dask")
        from dask.distributed import Client, default_client

        try:
            client = default_client()
        except ValueError:
            client = Client(processes=True, n_workers=workers or os.cpu_count() or 1, threads_per_worker=1)
        parts = client.gather(client.map(_run_chunk, chunks, h=h, config=config, pure=False))
    else:
        workers = workers or os.cpu_count() or 1
        if workers == 1 or len(chunks) == 1:
            parts = [_run_chunk(c, h, config) for c in chunks]
        else:
            with ProcessPoolExecutor(workers) as pool:
                parts = list(pool.map(_run_chunk, chunks, [h] * len(chunks), [config] * len(chunks)))
    return [item for part in parts for item in part]
