"""Drop repeated deliveries of one Slack event, so a retry never runs a request twice.

Slack re-sends an event (with `X-Slack-Retry-Num`, same `event_id`) when our 2xx did not reach it
in 3 s; Bolt's Socket Mode adapter sets the same header. Keying on `event_id` rather than
dropping every retry keeps the one case where the retry is the first copy we ever see. The memory
is per process and bounded in time and size: enough for Slack's retry schedule (≈ 5 minutes).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Callable

from slack_bolt import BoltResponse


class EventDeduper:
    def __init__(self, ttl_s: float = 900.0, max_size: int = 50_000) -> None:
        self.ttl_s, self.max_size = ttl_s, max_size
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (len(self._seen) >= self.max_size or next(iter(self._seen.values())) < now - self.ttl_s):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def middleware(self, body: dict[str, Any], next: Callable[[], None], logger: logging.Logger) -> BoltResponse | None:  # noqa: A002 - Bolt injects `next` by name
        """Global Bolt middleware; runs after signature verification, so forged copies never count."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not self.first_time(str(event_id)):
            logger.info("dropped a repeated delivery of Slack event %s", event_id)
            return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        next()
        return None
