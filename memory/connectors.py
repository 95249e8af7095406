"""Live post sources over httpx: Reddit's public JSON search and RSS/Atom feeds.

Each connector returns a post frame (see `engines.hype.posts`) for `memory.posts.store_posts`.
Rate limits are honoured, never guessed around: a minimum interval between requests per connector,
`Retry-After` on 429/503 (waiting at most `max_wait_s`, else giving up with a clear error), and
Reddit's `X-Ratelimit-Remaining`/`X-Ratelimit-Reset` headers (when nothing remains, wait for the reset).
"""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx
import pandas as pd

from engines.hype.posts import POST_COLUMNS

USER_AGENT = "caeser-hype/0.1 (+https://github.com/caeser)"
ATOM = "{http://www.w3.org/2005/Atom}"


class ConnectorError(RuntimeError):
    """A source could not be read; the message says which and why."""


class RateLimitedClient:
    """GETs with a minimum spacing between requests and Retry-After / X-Ratelimit handling."""

    def __init__(self, client: httpx.Client | None = None, *, min_interval_s: float = 1.0, max_wait_s: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client or httpx.Client(timeout=15.0, headers={"User-Agent": USER_AGENT}, follow_redirects=True)
        self.min_interval_s, self.max_wait_s, self.sleep = min_interval_s, max_wait_s, sleep
        self._last = 0.0

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > self.max_wait_s:
            raise ConnectorError(f"{why}: asked to wait {seconds:.0f} s, more than the {self.max_wait_s:.0f} s allowed")
        self.sleep(seconds)

    def get(self, url: str, params: dict[str, str] | None = None, attempts: int = 3) -> httpx.Response:
        for _ in range(attempts):
            gap = self.min_interval_s - (time.monotonic() - self._last)
            if gap > 0:
                self.sleep(gap)
            self._last = time.monotonic()
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as exc:
                raise ConnectorError(f"could not reach {url}: {type(exc).__name__}") from None
            if response.status_code in (429, 503):
                self._wait(float(response.headers.get("Retry-After", "1") or 1), f"{url} rate-limited us ({response.status_code})")
                continue
            if response.status_code >= 400:
                raise ConnectorError(f"{url} answered HTTP {response.status_code}")
            if response.headers.get("X-Ratelimit-Remaining") is not None and float(response.headers["X-Ratelimit-Remaining"]) < 1:
                self._wait(float(response.headers.get("X-Ratelimit-Reset", "1")), f"{url} rate limit used up")
            return response
        raise ConnectorError(f"{url} kept rate-limiting us after {attempts} attempts")


def _frame(rows: list[dict], source: str) -> pd.DataFrame:
    return pd.DataFrame([{"source": source, "subject": None, "region": None, "sentiment": None, "label": None, **r} for r in rows], columns=list(POST_COLUMNS))


class RedditConnector:
    """Reddit search (`/search.json?q=…&sort=new`), paging with `after` up to `limit` posts."""

    source = "reddit"

    def __init__(self, http: RateLimitedClient, base_url: str = "https://www.reddit.com") -> None:
        self.http, self.base_url = http, base_url.rstrip("/")

    def fetch(self, query: str, limit: int = 100) -> pd.DataFrame:
        rows: list[dict] = []
        after: str | None = None
        while len(rows) < limit:
            params = {"q": query, "sort": "new", "limit": str(min(100, limit - len(rows))), "raw_json": "1", **({"after": after} if after else {})}
            payload = self.http.get(f"{self.base_url}/search.json", params).json().get("data") or {}
            for child in payload.get("children", []):
                d = child.get("data") or {}
                text = " ".join(p for p in (d.get("title"), d.get("selftext")) if p).strip()
                if not d.get("id") or not text:
                    continue
                rows.append({"external_id": d["id"], "text": text, "author": d.get("author") or "", "created_at": datetime.fromtimestamp(float(d.get("created_utc", 0)), timezone.utc).replace(tzinfo=None),
                             "likes": max(0, int(d.get("score") or 0)), "reposts": int(d.get("num_crossposts") or 0), "replies": int(d.get("num_comments") or 0)})
            after = payload.get("after")
            if not after or not payload.get("children"):
                break
        return _frame(rows[:limit], self.source)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = parsedate_to_datetime(text)  # RSS: RFC 822
    except (TypeError, ValueError):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))  # Atom: RFC 3339
        except ValueError:
            return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)


class FeedConnector:
    """One RSS 2.0 or Atom feed; every item/entry becomes a post (title + summary)."""

    def __init__(self, http: RateLimitedClient, url: str, source: str = "rss") -> None:
        self.http, self.url, self.source = http, url, source

    def fetch(self, query: str = "", limit: int = 100) -> pd.DataFrame:
        try:
            root = ET.fromstring(self.http.get(self.url).content)
        except ET.ParseError as exc:
            raise ConnectorError(f"{self.url} is not a readable RSS/Atom feed ({exc})") from None
        rows = [self._rss(item) for item in root.iter("item")] + [self._atom(entry) for entry in root.iter(f"{ATOM}entry")]
        rows = [r for r in rows if r["external_id"] and r["text"] and query.lower() in r["text"].lower()]
        return _frame(rows[:limit], self.source)

    @staticmethod
    def _rss(item: ET.Element) -> dict:
        text = " ".join(t for t in (item.findtext("title"), item.findtext("description")) if t).strip()
        return {"external_id": item.findtext("guid") or item.findtext("link") or "", "text": text, "author": item.findtext("author") or item.findtext("{http://purl.org/dc/elements/1.1/}creator") or "",
                "created_at": _when(item.findtext("pubDate")), "likes": 0, "reposts": 0, "replies": 0}

    @staticmethod
    def _atom(entry: ET.Element) -> dict:
        text = " ".join(t for t in (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content")) if t).strip()
        return {"external_id": entry.findtext(f"{ATOM}id") or "", "text": text, "author": entry.findtext(f"{ATOM}author/{ATOM}name") or "",
                "created_at": _when(entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")), "likes": 0, "reposts": 0, "replies": 0}
