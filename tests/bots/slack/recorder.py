"""A recorder of Slack's Web API on 127.0.0.1: answers like Slack, keeps every call for assertions."""
from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.httpstub import LoopbackServer, QuietHandler


class SlackRecorder(LoopbackServer):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (method, params)
        self.uploads: dict[str, bytes] = {}
        self.rate_limit: dict[str, int] = {}  # method -> how many 429s to answer first
        self.errors: dict[str, str] = {}  # method -> Slack error to answer (ok: false)
        self.counter = 0
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return self.base_url + "/api/"

    def of(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} called {len(self.of(method))} times, wanted {count}; calls: {[c for c, _ in self.calls]}")

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.counter += 1
            n = self.counter
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "caeser", "url": "https://t1.slack.com/"}
        if method in ("chat.postMessage", "chat.update"):
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts") or f"1700000000.{n:06d}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).split(",")[0]}}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.url.removesuffix('/api/')}/upload/F{n}", "file_id": f"F{n}"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in json.loads(params["files"])]}
        return {"ok": True}

    def _handler(self):  # noqa: ANN202
        rec = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = urlparse(self.path).path
                if path.startswith("/upload/"):
                    with rec.lock:
                        rec.uploads[path.rsplit("/", 1)[1]] = raw
                    return self.reply_json(200, {"ok": True})
                method = path.rsplit("/", 1)[1]
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                params["_auth"] = self.headers.get("Authorization", "")
                with rec.lock:
                    if rec.rate_limit.get(method, 0) > 0:
                        rec.rate_limit[method] -= 1
                        rec.calls.append((f"{method}#429", params))
                        return self.reply_json(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
                    rec.calls.append((method, params))
                    error = rec.errors.get(method)
                if error:
                    return self.reply_json(200, {"ok": False, "error": error})
                self.reply_json(200, rec.answer(method, params))

            do_GET = do_POST

        return Handler
