"""A bounded queue of Slack requests with its own workers, so an ack never waits for the agent.

Slack gives an app 3 s to ack. Listeners therefore only check the request, ack it and `submit` the
slow part here; `workers` threads run the jobs in arrival order, at most `capacity` wait in line.
Past that a job is *parked*: its requester is told we are busy and retrying, and a retry thread
moves parked jobs into the line as it frees up (newcomers queue behind them, so none overtakes).
A job still parked after `max_wait_s`, one that arrives with `parked_capacity` full, or one left
when the queue closes is answered "please ask again" instead. So every job ends in exactly one
answer, its own or that sentence, and memory stays bounded however many requests arrive.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

Admission = Literal["queued", "parked", "refused"]
BUSY = "I'm busy with other requests right now, so yours is waiting its turn; I'll retry it shortly and answer here."
GIVE_UP = "I'm still too busy to take this on; please ask again in a few minutes."
NOTICES: dict[Admission, str | None] = {"queued": None, "parked": BUSY, "refused": GIVE_UP}


@dataclass
class Job:
    """`run` does the work and posts its answer; `tell` sends the requester a short notice."""

    run: Callable[[], None]
    tell: Callable[[str], None]


class WorkQueue:
    def __init__(self, workers: int = 4, capacity: int = 100, parked_capacity: int = 1000, retry_every_s: float = 1.0,
                 max_wait_s: float = 600.0, name: str = "caeser-slack") -> None:
        self.parked_capacity, self.retry_every_s, self.max_wait_s = parked_capacity, retry_every_s, max_wait_s
        self._line: queue.Queue[Job | None] = queue.Queue(maxsize=capacity)
        self._parked: deque[tuple[float, Job]] = deque()
        self._notices: deque[tuple[Job, str]] = deque()  # sent by the retry thread, never on a request thread
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._workers = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True) for i in range(workers)]
        self._retrier = threading.Thread(target=self._retry, name=f"{name}-retry", daemon=True)
        for thread in [*self._workers, self._retrier]:
            thread.start()

    def submit(self, job: Job, *, announce: bool = True) -> Admission:
        """Queue `job` without blocking. `announce`: tell the requester here if it is parked or refused
        (pass False when the ack itself says so: `NOTICES[admission]`)."""
        with self._lock:
            admission: Admission
            if self._closing or len(self._parked) >= self.parked_capacity:
                admission = "refused"
            elif not self._parked and self._offer(job):
                return "queued"
            else:
                self._parked.append((time.monotonic(), job))
                admission = "parked"
            if announce:
                self._notices.append((job, NOTICES[admission] or ""))
        self._wake.set()
        return admission

    def _offer(self, job: Job) -> bool:
        try:
            self._line.put_nowait(job)
            return True
        except queue.Full:
            return False

    def _work(self) -> None:
        while (job := self._line.get()) is not None:
            self._wake.set()  # a place in line just freed up
            try:
                job.run()
            except Exception:  # a bug in one job must not stop the worker
                log.exception("a queued Slack request failed")
            finally:
                self._line.task_done()
        self._line.task_done()

    def _retry(self) -> None:
        while True:
            self._wake.wait(self.retry_every_s)
            self._wake.clear()
            with self._lock:
                while self._parked and self._offer(self._parked[0][1]):
                    self._parked.popleft()
                expired = time.monotonic() - self.max_wait_s
                while self._parked and (self._parked[0][0] < expired or self._closing):
                    self._notices.append((self._parked.popleft()[1], GIVE_UP))
                notices, stop = list(self._notices), self._closing and not self._parked
                self._notices.clear()
            for job, text in notices:
                self._tell(job, text)
            if stop:
                return

    @staticmethod
    def _tell(job: Job, text: str) -> None:
        try:
            job.tell(text)
        except Exception:  # the requester may be gone (expired response_url): log it, keep serving
            log.exception("could not tell a Slack requester %r", text)

    def close(self, timeout: float = 60.0) -> None:
        """Stop taking jobs, let the line finish (parked jobs are told to ask again), stop the threads."""
        with self._lock:
            self._closing = True
        self._wake.set()
        self._retrier.join(timeout)
        for _ in self._workers:
            self._line.put(None)
        for thread in self._workers:
            thread.join(timeout)

    def drain(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is parked, in line or running (tests, benchmarks); False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = not self._parked and not self._notices and self._line.unfinished_tasks == 0
            if idle:
                return True
            time.sleep(0.01)
        return False


def ack_and_submit(work: WorkQueue, ack: Callable[..., None], job: Job) -> None:
    """For slash commands: queue `job`, then ack with what the user needs to know (nothing when it
    is simply queued; "busy, retrying" or "ask again" otherwise) — no Web API call on this thread."""
    ack(text=NOTICES[work.submit(job, announce=False)] or "")
