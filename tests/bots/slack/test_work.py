"""The Slack work queue: bounded, in order, and every job ends in exactly one answer — its own, or
"please ask again" when it waited too long, arrived with everything full, or the queue closed."""
from __future__ import annotations

import threading
import time

from bots.slack.work import BUSY, GIVE_UP, Job, WorkQueue


class Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[int, str]] = []
        self.started = threading.Event()

    def job(self, i: int, hold: threading.Event | None = None, fail: bool = False) -> Job:
        def run() -> None:
            self.started.set()
            if hold:
                hold.wait(10)
            if fail:
                raise RuntimeError("boom")
            with self.lock:
                self.events.append((i, "answer"))

        def tell(text: str) -> None:
            with self.lock:
                self.events.append((i, text))

        return Job(run=run, tell=tell)

    def of(self, i: int) -> list[str]:
        with self.lock:
            return [what for j, what in self.events if j == i]

    def busy_worker(self, work: WorkQueue, hold: threading.Event) -> None:
        """Job 0 runs (and waits for `hold`), so the line is exactly as the test fills it."""
        assert work.submit(self.job(0, hold)) == "queued" and self.started.wait(5)


def test_jobs_run_in_order_and_a_full_line_parks_them_with_a_notice() -> None:
    log, hold = Log(), threading.Event()
    work = WorkQueue(workers=1, capacity=2, retry_every_s=0.05)
    log.busy_worker(work, hold)
    assert [work.submit(log.job(i, hold)) for i in range(1, 6)] == ["queued", "queued", "parked", "parked", "parked"]
    hold.set()
    assert work.drain(10)
    work.close()
    answers = [i for i, what in log.events if what == "answer"]
    assert answers == list(range(6))  # nobody overtook
    assert all(log.of(i).count("answer") == 1 for i in range(6))
    assert [log.of(i) for i in range(3, 6)] == [[BUSY, "answer"]] * 3


def test_the_caller_can_announce_instead() -> None:
    log, hold = Log(), threading.Event()
    work = WorkQueue(workers=1, capacity=1, retry_every_s=0.05)
    admissions = [work.submit(log.job(i, hold), announce=False) for i in range(4)]
    hold.set()
    assert work.drain(10)
    work.close()
    assert "parked" in admissions and all(log.of(i) == ["answer"] for i in range(4))


def test_a_job_parked_too_long_or_with_no_room_is_told_to_ask_again_once() -> None:
    log, hold = Log(), threading.Event()
    work = WorkQueue(workers=1, capacity=1, parked_capacity=1, retry_every_s=0.05, max_wait_s=0.2)
    log.busy_worker(work, hold)
    assert [work.submit(log.job(i, hold)) for i in range(1, 4)] == ["queued", "parked", "refused"]
    time.sleep(0.5)
    hold.set()
    assert work.drain(10)
    work.close()
    assert [log.of(i) for i in range(4)] == [["answer"], ["answer"], [BUSY, GIVE_UP], [GIVE_UP]]  # 2 waited past max_wait_s; 3 found no room


def test_a_failing_job_does_not_stop_its_worker() -> None:
    log = Log()
    work = WorkQueue(workers=1)
    work.submit(log.job(0, fail=True))
    work.submit(log.job(1))
    assert work.drain(10)
    work.close()
    assert log.of(1) == ["answer"]


def test_closing_finishes_the_line_and_answers_the_parked() -> None:
    log, hold = Log(), threading.Event()
    work = WorkQueue(workers=1, capacity=1, retry_every_s=10)
    for i in range(4):
        work.submit(log.job(i, hold), announce=False)
    threading.Timer(0.2, hold.set).start()
    work.close()
    assert work.submit(log.job(9)) == "refused"
    for i in range(4):
        assert len(log.of(i)) == 1 and log.of(i)[0] in ("answer", GIVE_UP)
