"""Who is building, and how far: the cross-process build lock and the status file under CAESER_HOME/build.

WHY: builds start on their own (a tool's first use, a server's start) from any process — the MCP
server, a bot, a `caeser chat --once` — so exactly one may run at a time, and a builder that
crashes or is killed must never leave a lock behind that blocks every later build.

- The lock is `fcntl.flock` on `build/lock`, held by the builder for its whole run. The kernel drops
  it when the process exits, however it exits (crash, `kill -9`, power loss), so there is no stale
  lock to clean up; `is_running` asks the kernel instead of trusting a pid. (Local disks only: flock
  is not shared between machines on every network file system.)
- The status is a small JSON file (`build/status.json`: steps, current step, fraction, ETA,
  heartbeat), written to a temporary file and renamed, so a reader never sees half of it. It is what
  tools quote: "building the suggestion index: 40%, about 2 min left".
- `build/durations.json` keeps each step's last wall time, so the ETA of a step not yet started is
  known from the previous build.
"""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from memory.settings import Settings

State = Literal["starting", "running", "finished", "failed"]


class BuildStatus(BaseModel):
    """What the current (or last) build is doing; times are Unix seconds."""

    pid: int
    state: State
    steps: list[str] = Field(description="Steps of this build, in order.")
    done: list[str] = Field(default_factory=list)
    step: str = ""
    label: str = Field(default="", description="What the current step makes, for people: 'the suggestion index'.")
    fraction: float = Field(default=0.0, description="Of the current step, 0–1.")
    message: str = ""
    eta_s: float | None = Field(default=None, description="Seconds until the whole build is done, when it can be told.")
    started_at: float
    heartbeat: float
    error: str = ""


def build_dir(settings: Settings) -> Path:
    return settings.home / "build"


def _status_path(settings: Settings) -> Path:
    return build_dir(settings) / "status.json"


def _write_json(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def write_status(settings: Settings, status: BuildStatus) -> None:
    _write_json(_status_path(settings), status.model_dump_json())


def read_status(settings: Settings) -> BuildStatus | None:
    """The last status written, or None (never built, or an unreadable file)."""
    try:
        return BuildStatus.model_validate_json(_status_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None


class BuildLock:
    """The exclusive build lock, held from `acquire` until `release` or the process's end."""

    def __init__(self, settings: Settings):
        self.path = build_dir(settings) / "lock"
        self._fd: int | None = None

    def acquire(self, wait: bool = False) -> bool:
        """Take the lock; without `wait`, False at once when another process (or another holder in
        this one) has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return True

    @classmethod
    def inherited(cls, settings: Settings, fd: int) -> BuildLock:
        """The lock taken by the process that started this one and passed its descriptor down: the
        lock belongs to the open file, so it stays held with no moment in which another could take it."""
        lock = cls(settings)
        lock._fd = fd
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        return lock

    def hand_over(self) -> int:
        """The descriptor, to pass to a child process (`pass_fds`); this object then forgets it
        without unlocking — the caller closes its copy once the child holds one."""
        fd, self._fd = self._fd, None
        if fd is None:
            raise RuntimeError("the build lock is not held")
        return fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> BuildLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def is_running(settings: Settings) -> bool:
    """Whether some process holds the build lock now (asks the kernel; a dead builder holds nothing)."""
    path = build_dir(settings) / "lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock taken by the probe
    return False


def read_durations(settings: Settings) -> dict[str, float]:
    try:
        raw = json.loads((build_dir(settings) / "durations.json").read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record_duration(settings: Settings, step: str, seconds: float) -> None:
    durations = read_durations(settings)
    durations[step] = round(seconds, 1)
    _write_json(build_dir(settings) / "durations.json", json.dumps(durations, sort_keys=True))


def now() -> float:
    return time.time()
