"""Running build steps: in the foreground (`caeser build`) or in a background process that a tool's
first use or a server's start launches, so that nothing needs a manual step.

- One build at a time across processes: the builder holds `memory.build.state.BuildLock` (flock,
  dropped by the kernel when the builder dies, however it dies). A background build is started by
  taking the lock here and handing its descriptor to the child process, so no second builder can
  slip in between the check and the start.
- The builder writes its status (step, fraction, ETA) as it goes; tools quote it with
  `progress_sentence`: "building the search and suggestion indexes: 40%, about 2 min left".
- A background builder runs at lower CPU priority (nice 10), detached from the caller's session,
  its output in CAESER_HOME/build/background.log. A failed background build is not retried for
  ten minutes (the status says why it failed), so a broken data file cannot start a build per call.
- Steps write their outputs atomically at their end (see each step), so a crash or kill leaves the
  previous outputs usable and the next run simply starts the step again, reusing what it cached.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import SecretStr

import memory.build.pipelines  # noqa: F401  (registers the steps)
from memory.build.state import BuildLock, BuildStatus, build_dir, is_running, now, read_durations, read_status, record_duration, write_status
from memory.build.steps import BUILD_STEPS, BuildContext, BuildStep, StepState, ordered_steps
from memory.settings import Settings

LOCK_FD_ENV = "CAESER_BUILD_LOCK_FD"
FAILED_RETRY_S = 600.0
WRITE_EVERY_S = 0.5  # status writes at most this often (progress can be reported per batch)
REPO = Path(__file__).resolve().parents[1]

StepProgress = Callable[[BuildStep, float, str], None]


def _eta(elapsed: float, fraction: float, expected: float | None, later: float) -> float | None:
    """Seconds left: the current step's last duration minus its time so far while it is under 20%
    done, its own rate from 20% on (an earlier rate extrapolates its quick first stage: unknown
    then, on a first build), plus the last durations of the steps still to run."""
    if fraction >= 0.2:
        current = elapsed * (1 - fraction) / fraction
    elif expected is not None:
        current = max(expected - elapsed, 0.0)
    else:
        return None
    return current + later


def run_steps(settings: Settings, steps: Sequence[BuildStep], on_progress: StepProgress | None = None) -> Iterator[tuple[BuildStep, str, float]]:
    """Run `steps` in order while the caller holds the build lock, yielding (step, report, seconds)
    as each ends (iterate to the end: the last status is written then). A failing step marks the
    build failed (with the reason) and its exception propagates."""
    durations = read_durations(settings)
    started = now()
    status = BuildStatus(pid=os.getpid(), state="running", steps=[s.name for s in steps], started_at=started, heartbeat=started)
    write_status(settings, status)
    for i, step in enumerate(steps):
        t0 = time.monotonic()
        later = sum(durations.get(s.name, 0.0) for s in steps[i + 1:])
        last_write = [0.0]

        def report(fraction: float, message: str, step: BuildStep = step, t0: float = t0, later: float = later) -> None:
            status.step, status.label, status.fraction, status.message = step.name, step.title, fraction, message
            status.eta_s = _eta(time.monotonic() - t0, fraction, durations.get(step.name), later)
            status.heartbeat = now()
            if time.monotonic() - last_write[0] >= WRITE_EVERY_S or fraction >= 1.0:
                last_write[0] = time.monotonic()
                write_status(settings, status)
            if on_progress is not None:
                on_progress(step, fraction, message)

        report(0.0, "starting")
        try:
            text = step.func(BuildContext(settings=settings, progress=report))
        except BaseException as exc:
            status.state, status.error, status.heartbeat = "failed", f"{step.name}: {type(exc).__name__}: {exc}"[:500], now()
            write_status(settings, status)
            raise
        seconds = time.monotonic() - t0
        record_duration(settings, step.name, seconds)
        status.done.append(step.name)
        write_status(settings, status)
        yield step, text, seconds
    status.state, status.step, status.fraction, status.eta_s, status.heartbeat = "finished", "", 1.0, 0.0, now()
    write_status(settings, status)


def step_state(settings: Settings, name: str) -> StepState | None:
    step = BUILD_STEPS.get(name)
    return None if step is None or step.state is None else step.state(settings)


def pending_steps(settings: Settings) -> list[BuildStep]:
    """Default steps with a state function whose output is missing or stale."""
    return [s for s in ordered_steps() if s.default and s.state is not None and s.state(settings) in ("missing", "stale")]


def _settings_env(settings: Settings) -> dict[str, str]:
    """The child's environment: this process's, with every setting as `settings` has it (tests and
    servers pass settings objects, not environment variables). Paths are made absolute, since the
    child runs in CAESER_HOME."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        alias = field.alias or name
        value = getattr(settings, name)
        if value is None:
            env.pop(alias, None)
        elif isinstance(value, SecretStr):
            env[alias] = value.get_secret_value()
        elif isinstance(value, Path):
            env[alias] = str(value.resolve())
        else:
            env[alias] = str(value)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def start_background(settings: Settings, names: Sequence[str]) -> BuildStatus | None:
    """Start a detached builder for `names` unless a build is already running (then its status is
    returned) or these steps failed less than FAILED_RETRY_S ago (then that status is returned).
    None when background builds are switched off (CAESER_AUTOBUILD=0) or nothing is asked for."""
    if not settings.autobuild or not names:
        return None
    lock = BuildLock(settings)
    if not lock.acquire():
        return read_status(settings)
    last = read_status(settings)
    if last is not None and last.state == "failed" and now() - last.heartbeat < FAILED_RETRY_S and set(names) <= set(last.steps):
        lock.release()
        return last
    status = BuildStatus(pid=os.getpid(), state="starting", steps=list(names), started_at=now(), heartbeat=now())
    write_status(settings, status)
    fd = lock.hand_over()
    try:
        with open(build_dir(settings) / "background.log", "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "memory.build.runner", *names], cwd=str(Path(settings.home).resolve()),
                                    env={**_settings_env(settings), LOCK_FD_ENV: str(fd)}, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,), start_new_session=True)
    finally:
        os.close(fd)  # the child holds the lock now (or, if it did not start, nobody does)
    threading.Thread(target=proc.wait, name="build-reaper", daemon=True).start()  # no zombie once it ends
    return status


def start_missing(settings: Settings, announce: Callable[[str], None] | None = None) -> BuildStatus | None:
    """What servers call when they start: every missing or stale default step, in one background
    build; `announce` gets one line saying what is being built (nothing when all is built)."""
    pending = pending_steps(settings)
    status = start_background(settings, [s.name for s in pending])
    if announce is not None and status is not None and status.state in ("starting", "running"):
        titles = ", ".join(BUILD_STEPS[n].title if n in BUILD_STEPS else n for n in status.steps)
        announce(f"building in the background: {titles} (tools answer meanwhile and say how far it is)")
    return status


def ensure_step(settings: Settings, name: str) -> tuple[StepState, BuildStatus | None]:
    """The step's state and, unless it is built, the status of the build that makes it (started
    here when none runs). Tools call it and answer from what exists meanwhile."""
    state = step_state(settings, name) or "built"
    if state in ("built", "no_data"):
        return state, None
    status = start_background(settings, [name])
    return state, status


def build_note(settings: Settings, name: str) -> str:
    """What a tool adds to its answer about step `name`: starts it in the background when it is
    missing or stale and says how far it is; "" when it is built or has no data to build from."""
    state, status = ensure_step(settings, name)
    return "" if state in ("built", "no_data") else progress_sentence(settings, name, status)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    return f"about {minutes} min"


def progress_sentence(settings: Settings, name: str, status: BuildStatus | None) -> str:
    """How far the build of step `name` is, for a tool's summary; "" when there is nothing to say."""
    step = BUILD_STEPS.get(name)
    label = step.title if step is not None else name
    if status is None:
        return f"{label[0].upper()}{label[1:]} will be built by `caeser build` (background builds are off)." if not settings.autobuild else ""
    if status.state == "failed":
        return f"The last background build of {label} failed ({status.error}); run `caeser build` to see it happen."
    if status.state == "finished":
        return ""
    if not is_running(settings):
        return f"The background build of {label} stopped before it finished; the next request starts it again."
    if status.state == "starting" or not status.step:
        return f"Building {label} in the background has just started."
    eta = status.eta_s if status.eta_s is None else max(0.0, status.eta_s - (now() - status.heartbeat))
    left = f", {_duration(eta)} left" if eta is not None else ""
    if status.step == name:
        return f"Building {label}: {status.fraction:.0%}{left}."
    current = BUILD_STEPS[status.step].title if status.step in BUILD_STEPS else status.step
    if name in status.steps:
        return f"Building {label} in the background after {current}{left}."
    return f"Another build ({current}) is running; {label} will be built once it ends."


def main(argv: Sequence[str]) -> int:
    """The background builder: `python -m memory.build.runner STEP…`, holding the lock its parent passed down."""
    from memory.settings import get_settings

    settings = get_settings()
    fd = os.environ.pop(LOCK_FD_ENV, None)
    lock = BuildLock.inherited(settings, int(fd)) if fd is not None else BuildLock(settings)
    if fd is None and not lock.acquire():
        print("another build is running", flush=True)
        return 0
    os.nice(10)  # leave the CPU to the process that serves people
    steps = [s for s in ordered_steps() if s.name in set(argv)]
    with lock:
        for step, text, seconds in run_steps(settings, steps):
            print(f"[{step.name}] {text} ({seconds:.1f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
