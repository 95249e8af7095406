"""The build lock and status: one holder across processes, released by the kernel when the holder is
killed, handed to a child without a gap; the status file round-trips and a bad one reads as none."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from memory.build.state import BuildLock, BuildStatus, build_dir, is_running, read_durations, read_status, record_duration, write_status
from memory.settings import Settings
from tests.conftest import REPO

HOLD = """
import sys, time
from memory.build.state import BuildLock
from memory.settings import Settings
lock = BuildLock(Settings(CAESER_HOME=sys.argv[1], _env_file=None))
assert lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def _holder(settings: Settings) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(settings.home)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_the_lock_has_one_holder_and_dies_with_it(settings: Settings) -> None:
    assert not is_running(settings)
    proc = _holder(settings)
    try:
        assert is_running(settings)
        assert not BuildLock(settings).acquire()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert not is_running(settings)  # no stale lock after a kill -9
    with BuildLock(settings) as lock:
        assert lock.acquire() and is_running(settings)
        assert not BuildLock(settings).acquire()  # a second holder in the same process is refused too
    assert not is_running(settings)


def test_a_handed_over_lock_stays_held_by_the_child(settings: Settings) -> None:
    lock = BuildLock(settings)
    assert lock.acquire()
    fd = lock.hand_over()
    child = subprocess.Popen([sys.executable, "-c", f"import os, time; os.fstat({fd}); time.sleep(60)"], pass_fds=(fd,))
    os.close(fd)
    try:
        assert is_running(settings)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    deadline = time.monotonic() + 5
    while is_running(settings) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_running(settings)


def test_status_and_durations_round_trip_and_a_bad_file_reads_as_none(settings: Settings) -> None:
    assert read_status(settings) is None and read_durations(settings) == {}
    status = BuildStatus(pid=1, state="running", steps=["a", "b"], step="a", fraction=0.4, eta_s=90.0, started_at=1.0, heartbeat=2.0)
    write_status(settings, status)
    assert read_status(settings) == status
    record_duration(settings, "a", 12.34)
    assert read_durations(settings) == {"a": 12.3}
    (build_dir(settings) / "status.json").write_text("{not json", encoding="utf-8")
    (build_dir(settings) / "durations.json").write_text("[1, 2]", encoding="utf-8")
    assert read_status(settings) is None and read_durations(settings) == {}
