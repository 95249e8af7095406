import re

import numpy as np
import pandas as pd
import pytest

import engines.forecast.batch as batch_module
from engines.forecast.batch import BackendUnavailable, forecast_many
from engines.forecast.history import Series
from engines.forecast.selection import EngineConfig

FAST = EngineConfig(use_prophet=False)


def items(n):
    rng = np.random.default_rng(1)
    ds = pd.date_range("2020-01-06", periods=30, freq="W-MON")
    out = [(f"s{i}", Series(rng.poisson(20, 30).astype(float), ds, "W")) for i in range(n)]
    out.append(("short", Series(np.ones(3), ds[:3], "W")))
    return out


def same_answers(expected, got):
    """Same ids in the same order, identical forecasts, the short series reported as failed."""
    assert [b.series_id for b in got] == [b.series_id for b in expected]
    assert all(np.array_equal(a.result.yhat, b.result.yhat) and np.array_equal(a.result.upper, b.result.upper)
               for a, b in zip(expected[:-1], got[:-1]))
    assert got[-1].result is None and "periods of history" in got[-1].error


def test_processes_give_the_same_answers_in_order():
    batch = items(4)
    same_answers(forecast_many(batch, 4, FAST, workers=1, chunk_size=2), forecast_many(batch, 4, FAST, workers=2, chunk_size=2))


@pytest.mark.parametrize("backend, pip", [("ray", "ray[default]"), ("dask", "dask[distributed]")])
def test_missing_cluster_backend_says_how_to_install(monkeypatch, backend, pip):
    monkeypatch.setattr(batch_module.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(BackendUnavailable, match=re.escape(f"pip install '{pip}'")):
        forecast_many(items(1), 2, backend=backend)


def test_an_address_needs_a_cluster_backend():
    with pytest.raises(ValueError, match="backend"):
        forecast_many(items(1), 2, address="tcp://127.0.0.1:8786")


def test_dask_cluster_at_an_address_matches_processes():
    distributed = pytest.importorskip("distributed")
    batch = items(3)
    local = forecast_many(batch, 4, FAST, workers=1, chunk_size=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        same_answers(local, forecast_many(batch, 4, FAST, backend="dask", address=cluster.scheduler_address, chunk_size=2))
        assert cluster.scheduler_info["workers"]  # the caller's cluster is left running


def test_dask_without_a_cluster_starts_and_stops_a_local_one():
    distributed = pytest.importorskip("distributed")
    batch = items(2)
    same_answers(forecast_many(batch, 4, FAST, workers=1), forecast_many(batch, 4, FAST, workers=1, backend="dask"))
    with pytest.raises(ValueError):
        distributed.default_client()  # nothing left behind


@pytest.mark.slow
def test_ray_local_runtime_matches_processes():
    ray = pytest.importorskip("ray")
    batch = items(2)
    same_answers(forecast_many(batch, 4, FAST, workers=1), forecast_many(batch, 4, FAST, workers=1, backend="ray"))
    assert not ray.is_initialized()  # the runtime it started is shut down
