"""Persisted derived arrays: built once, read back by later processes, rebuilt when unreadable."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from memory.artifacts import cached_arrays, files_fingerprint, fingerprint


def test_built_once_then_read_back(tmp_path: Path) -> None:
    path = tmp_path / "models" / f"thing-{fingerprint('model', 'texts')}.npz"
    calls: list[int] = []

    def build() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"vectors": np.arange(6, dtype=np.float32).reshape(2, 3), "labels": np.array(["a", "b"])}

    first = cached_arrays(path, build, required=("vectors", "labels"))
    second = cached_arrays(path, build, required=("vectors", "labels"))
    assert len(calls) == 1 and path.is_file()
    np.testing.assert_array_equal(first["vectors"], second["vectors"])
    assert second["labels"].tolist() == ["a", "b"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_a_corrupt_or_outdated_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "cache.npz"
    path.write_bytes(b"not a zip file")
    assert cached_arrays(path, lambda: {"x": np.ones(2)})["x"].tolist() == [1.0, 1.0]
    assert cached_arrays(path, lambda: {"y": np.zeros(1)}, required=("y",))["y"].tolist() == [0.0]  # layout without "y": rebuilt
    assert cached_arrays(path, lambda: {"y": np.ones(1)}, required=("y",))["y"].tolist() == [0.0]  # now read back


def test_files_fingerprint_changes_when_a_file_does(tmp_path: Path) -> None:
    data = tmp_path / "a.csv"
    data.write_text("x\n1\n")
    before = files_fingerprint([data, tmp_path / "absent.csv"])
    assert files_fingerprint([tmp_path / "absent.csv", data]) == before
    data.write_text("x\n1\n2\n")
    os.utime(data, ns=(1, 1))
    assert files_fingerprint([data, tmp_path / "absent.csv"]) != before
