"""`caeser build`: lists its steps with their state, refuses unknown ones by name, and waits for a
build another process is running instead of starting a second one."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bots.commands import build
from memory.build.state import BuildLock, BuildStatus, now, read_status, write_status
from memory.build.steps import ordered_steps
from memory.settings import Settings
from tests.bots.commands.runner import run_command
from tests.cadence_data import write_small_data


@pytest.fixture
def small(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    small = settings.model_copy(update={"data_dir": write_small_data(tmp_path / "data")})
    monkeypatch.setattr(build, "get_settings", lambda: small)
    return small


def test_list_and_unknown_steps(small: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run_command(build, "build", ("--list",), capsys)
    assert rc == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()}
    assert rows["cadence"][1:3] == ["default", "missing"] and rows["cadence-generator"][1] == "optional"
    rc, _, err = run_command(build, "build", ("--only", "nope"), capsys)
    assert rc == 2 and "unknown step(s) nope" in err and "cadence-generator" in err


def test_a_step_is_named_by_its_first_word() -> None:
    """`--only hype` is the hype step; "cadence" stays the index step, not the generator."""
    steps = ordered_steps()
    assert build._named("hype", steps).name == "hype: posts and sentiment model"
    assert build._named("cadence", steps).name == "cadence" and build._named("cadence-generator", steps).name == "cadence-generator"
    assert build._named("hyp", steps) is None


def test_waits_for_a_running_build_then_builds(small: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    other = BuildLock(small)
    assert other.acquire()
    write_status(small, BuildStatus(pid=4242, state="running", steps=["cadence"], step="cadence", started_at=now(), heartbeat=now()))
    threading.Timer(1.0, other.release).start()
    rc, out, err = run_command(build, "build", ("--only", "cadence"), capsys)
    assert rc == 0 and "another build is running (pid 4242, step cadence): waiting" in err
    assert out.startswith("[cadence] 120 products") and read_status(small).state == "finished"
