"""What every outbox sender (the alert watcher, the report scheduler) does around a send: keep its
lease alive while the receiver is slow, and space retries out."""
from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

RETRY_CAP = 300.0


def backoff(attempt: int, base: float, rng: random.Random) -> float:
    """Seconds before retry `attempt` + 1: base·2^(attempt−1) capped at RETRY_CAP, half of it fixed
    and half drawn at random ("equal jitter"), so rows failing together do not retry together."""
    delay = min(base * 2 ** (attempt - 1), RETRY_CAP)
    return delay / 2 + rng.uniform(0.0, delay / 2)


@contextmanager
def held(renew: Callable[[], bool], lease_s: float, name: str) -> Iterator[threading.Event]:
    """Call `renew` every lease/3 while the block runs; the event is set if a renewal failed (the
    lease was lost while sending)."""
    done, lost = threading.Event(), threading.Event()

    def keep() -> None:
        while not done.wait(lease_s / 3):
            if not renew():
                lost.set()
                return

    keeper = threading.Thread(target=keep, name=name, daemon=True)
    keeper.start()
    try:
        yield lost
    finally:
        done.set()
        keeper.join()
