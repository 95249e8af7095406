"""Reddit and RSS/Atom connectors against servers on 127.0.0.1: parsing, paging, rate limits."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from memory.connectors import ConnectorError, FeedConnector, RateLimitedClient, RedditConnector
from memory.posts import store_posts, subject_posts
from tests.httpstub import QuietHandler

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><guid>g1</guid><title>Stanley cup restock</title><description>sold out in minutes</description><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate><author>ann</author></item>
<item><guid>g2</guid><title>Other news</title><pubDate>Tue, 02 Jan 2024 11:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><id>tag:a,2024:1</id><title>Stanley quencher colours</title><summary>new drop</summary><published>2024-01-03T08:00:00Z</published><author><name>bo</name></author></entry>
</feed>"""


def reddit_page(after, ids, tag):
    return {"data": {"after": after, "children": [{"data": {"id": i, "title": f"post {i} about stanley {tag}", "selftext": "", "author": "u", "created_utc": 1704189600 + n,
                                                          "score": 5, "num_comments": 2}} for n, i in enumerate(ids)]}}


class Server:
    def __init__(self):
        self.calls: list[str] = []
        self.throttle_once = True
        self.retry_after = "0"
        self.tag = uuid.uuid4().hex[:8]  # unique texts: a shared test database dedupes on text
        outer = self

        class Handler(QuietHandler):
            def do_GET(self):
                url = urlparse(self.path)
                outer.calls.append(url.path)
                if url.path == "/search.json" and outer.throttle_once:
                    outer.throttle_once = False
                    return self._send(429, b"{}", {"Retry-After": outer.retry_after})
                if url.path == "/search.json":
                    after = parse_qs(url.query).get("after", [None])[0]
                    page = reddit_page("t3_b", ["a1", "a2"], outer.tag) if after is None else reddit_page(None, ["b1"], outer.tag)
                    return self._send(200, json.dumps(page).encode(), {"X-Ratelimit-Remaining": "5"})
                if url.path == "/rss":
                    return self._send(200, RSS.encode())
                if url.path == "/atom":
                    return self._send(200, ATOM.encode())
                return self._send(200, b"<not xml")

            def _send(self, code, body, headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()


def http(sleeps):
    return RateLimitedClient(min_interval_s=0.0, max_wait_s=5, sleep=sleeps.append)


def test_reddit_pages_and_honours_retry_after(server, settings):
    sleeps: list[float] = []
    frame = RedditConnector(http(sleeps), server.url).fetch("stanley", limit=10)
    assert frame["external_id"].tolist() == ["a1", "a2", "b1"] and frame["replies"].tolist() == [2, 2, 2]
    assert server.calls.count("/search.json") == 3 and 0.0 in sleeps  # the 429 was waited out, then retried
    subject = f"Stanley {server.tag}"
    report = store_posts(settings, frame.assign(subject=subject), source=f"reddit-{server.tag}")
    assert report.imported == 3 and len(subject_posts(settings, [subject.casefold()])) == 3


def test_rss_and_atom(server):
    rss = FeedConnector(http([]), server.url + "/rss").fetch("stanley")
    assert rss["external_id"].tolist() == ["g1"] and rss["created_at"][0].isoformat() == "2024-01-02T10:00:00" and rss["author"][0] == "ann"
    atom = FeedConnector(http([]), server.url + "/atom", source="atom").fetch()
    assert atom["text"][0] == "Stanley quencher colours new drop" and atom["author"][0] == "bo"


def test_errors_are_clear(server):
    with pytest.raises(ConnectorError, match="not a readable RSS/Atom feed"):
        FeedConnector(http([]), server.url + "/broken").fetch()
    with pytest.raises(ConnectorError, match="could not reach"):
        FeedConnector(http([]), "http://127.0.0.1:9/feed").fetch()
    server.throttle_once, server.retry_after = True, "120"
    with pytest.raises(ConnectorError, match="rate-limited us .429.: asked to wait 120 s"):
        RedditConnector(http([]), server.url).fetch("x")
