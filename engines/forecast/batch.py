"""Many series at once: local processes by default, a Ray or Dask cluster when asked.

WHY processes: each series is independent and the fits are CPU-bound Python (statsmodels, Stan),
so threads would queue on the GIL. Series are sent in chunks so the per-task overhead (pickling,
scheduling) stays small next to the fits.

On a cluster the same chunks run unchanged, one task per chunk:
- `backend="ray"`: on the Ray cluster at `address` (`ray://head:10001`, or `auto` on a cluster
  node), or on the Ray runtime the caller already started, or else on a local one of `workers` CPUs;
- `backend="dask"`: on the scheduler at `address` (`tcp://scheduler:8786`), or on the
  `dask.distributed` client the caller already made, or else on a local cluster of `workers` processes.
A runtime or client this function starts itself is shut down before it returns, so a call leaves
nothing running behind it; one the caller started is left as it was. The address is a parameter,
never read from the environment: engines are pure, the caller reads its settings. Neither package
is a dependency; asking for one that is not installed raises `BackendUnavailable` with the pip line.
"""
from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from engines.forecast.history import Series
from engines.forecast.selection import EngineConfig, ForecastResult, forecast

if TYPE_CHECKING:
    from distributed import Client

Backend = Literal["process", "ray", "dask"]
Chunk = list[tuple[str, Series]]

#: What to install for each cluster backend.
PIP_EXTRAS: dict[str, str] = {"ray": "ray[default]", "dask": "dask[distributed]"}


class BackendUnavailable(RuntimeError):
    """A cluster backend was requested but its package is not installed."""


@dataclass(frozen=True)
class BatchItem:
    series_id: str
    result: ForecastResult | None
    error: str | None = None


def _run_chunk(chunk: Chunk, h: int, config: EngineConfig) -> list[BatchItem]:
    """Forecast each series of the chunk; a series that fails is reported, not fatal to the batch."""
    out = []
    for sid, series in chunk:
        try:
            out.append(BatchItem(sid, forecast(series, h, config)))
        except ValueError as exc:
            out.append(BatchItem(sid, None, str(exc)))
    return out


def _chunks(items: Sequence[tuple[str, Series]], size: int) -> list[Chunk]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def _require(backend: str, module: str) -> None:
    """Fail early, and say what to install, when a cluster backend's package is missing."""
    if importlib.util.find_spec(module) is None:
        raise BackendUnavailable(f"backend {backend!r} is not installed: pip install '{PIP_EXTRAS[backend]}'")


def _on_processes(chunks: list[Chunk], h: int, config: EngineConfig, workers: int) -> list[list[BatchItem]]:
    if workers == 1 or len(chunks) == 1:
        return [_run_chunk(c, h, config) for c in chunks]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_run_chunk, chunks, [h] * len(chunks), [config] * len(chunks)))


def _on_ray(chunks: list[Chunk], h: int, config: EngineConfig, workers: int, address: str | None) -> list[list[BatchItem]]:
    _require("ray", "ray")
    import ray

    started = not ray.is_initialized()
    if started:
        # A local runtime (address None) gets `workers` CPUs; a cluster brings its own.
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
    try:
        task = ray.remote(_run_chunk)
        return ray.get([task.remote(c, h, config) for c in chunks])
    finally:
        if started:
            ray.shutdown()


def _on_dask(chunks: list[Chunk], h: int, config: EngineConfig, workers: int, address: str | None) -> list[list[BatchItem]]:
    _require("dask", "distributed")
    from distributed import Client, LocalCluster

    def run(client: Client) -> list[list[BatchItem]]:
        return client.gather(client.map(_run_chunk, chunks, h=h, config=config, pure=False))

    if address:
        with Client(address) as client:  # closes this connection only, never the cluster
            return run(client)
    current = _current_dask_client()
    if current is not None:
        return run(current)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        return run(client)


def _current_dask_client() -> Client | None:
    """The `dask.distributed` client the caller made in this process, if any."""
    from distributed import default_client

    try:
        return default_client()
    except ValueError:  # distributed's way of saying "no client"
        return None


def forecast_many(items: Sequence[tuple[str, Series]], h: int, config: EngineConfig = EngineConfig(), *,
                  workers: int | None = None, backend: Backend = "process", chunk_size: int = 10,
                  address: str | None = None) -> list[BatchItem]:
    """Forecast every (id, series) h periods ahead; results in input order. `workers` sizes the
    local pool (default: every CPU); `address` names a Ray or Dask cluster (see the module doc)."""
    if address is not None and backend == "process":
        raise ValueError("an address needs backend='ray' or backend='dask'")
    chunks = _chunks(items, chunk_size)
    workers = workers or os.cpu_count() or 1
    if backend == "ray":
        parts = _on_ray(chunks, h, config, workers, address)
    elif backend == "dask":
        parts = _on_dask(chunks, h, config, workers, address)
    else:
        parts = _on_processes(chunks, h, config, workers)
    return [item for part in parts for item in part]
