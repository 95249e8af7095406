import importlib.util

import numpy as np
import pandas as pd
import pytest

from engines.forecast.batch import BackendUnavailable, forecast_many
from engines.forecast.history import Series
from engines.forecast.selection import EngineConfig


def items(n):
    rng = np.random.default_rng(1)
    ds = pd.date_range("2020-01-06", periods=30, freq="W-MON")
    out = [(f"s{i}", Series(rng.poisson(20, 30).astype(float), ds, "W")) for i in range(n)]
    out.append(("short", Series(np.ones(3), ds[:3], "W")))
    return out


def test_processes_give_the_same_answers_in_order():
    batch = items(4)
    one = forecast_many(batch, 4, EngineConfig(use_prophet=False), workers=1, chunk_size=2)
    two = forecast_many(batch, 4, EngineConfig(use_prophet=False), workers=2, chunk_size=2)
    assert [b.series_id for b in two] == [sid for sid, _ in batch]
    assert all(np.array_equal(a.result.yhat, b.result.yhat) for a, b in zip(one[:4], two[:4]))
    assert two[-1].result is None and "periods of history" in two[-1].error


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="ray installed")
def test_missing_cluster_backend_says_how_to_install():
    with pytest.raises(BackendUnavailable, match="pip install"):
        forecast_many(items(1), 2, backend="ray")


def test_dask_backend_matches_processes_when_installed():
    pytest.importorskip("dask.distributed")
    batch = items(2)
    local = forecast_many(batch, 4, EngineConfig(use_prophet=False), workers=1)
    dask = forecast_many(batch, 4, EngineConfig(use_prophet=False), workers=1, backend="dask")
    assert all(np.array_equal(a.result.yhat, b.result.yhat) for a, b in zip(local[:2], dask[:2]))
