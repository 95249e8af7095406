"""Alerts through the bots: a crossing found by the watcher is posted once by the Slack app's token
and once by the Discord bot's token, to the channels the watches name (recorders on 127.0.0.1);
and the rich renderings the bots offer for an alert fit the platforms' limits."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import ThreadingHTTPServer

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bots.alert_card import AlertCard, SamplePost, card_from, sparkline
from bots.delivery import Sender
from bots.discord.embeds import alert_embed, details_button, parse_details
from bots.slack.blocks import alert_blocks
from bots.watcher import deliver_pending, evaluate_all
from memory.db import session_scope
from memory.owner import DEFAULT_OWNER
from memory.settings import Settings
from memory.tables import HypeAlert, HypeWatch
from memory.watches import upsert_watch
from tests.bots.slack.recorder import SlackRecorder
from tests.httpstub import QuietHandler
from tools.base import ToolError
from tools.hype.score import HypeScoreData, SentimentBreakdown

DISCORD_CHANNEL = "123456789012"


class DiscordRecorder:
    """Discord's create-message route: keeps each POST with its Authorization; honours nonces like Discord."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.by_nonce: dict[str, dict] = {}
        rec = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # the channel's recent messages, newest first
                data = json.dumps([{"id": str(i), "embeds": p.get("embeds", [])} for i, p in enumerate(reversed(rec.posts))]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                body |= {"_path": self.path, "_auth": self.headers.get("Authorization")}
                if body.get("enforce_nonce") and body.get("nonce") in rec.by_nonce:
                    message = rec.by_nonce[body["nonce"]]
                else:
                    rec.posts.append(body)
                    message = rec.by_nonce.setdefault(body.get("nonce") or uuid.uuid4().hex, body)
                data = json.dumps({"id": str(id(message))}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v10"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def scored(subject: str, score: float) -> HypeScoreData:
    return HypeScoreData(subject=subject, window_start="2015-02-17T00:00:00", window_end="2015-02-24T00:00:00", window_days=7, region=None, score=score,
                         previous_score=None, state="🔥", confidence=0.9, posts=100, reason=None, components=[], metrics=[],
                         sentiment=SentimentBreakdown(mean=0.1, positive_share=0.3, neutral_share=0.4, negative_share=0.3, method="test"),
                         top_posts=[], timeline=[], anomalies=[], peers=[])


@pytest.fixture
def bot_settings(settings: Settings):
    s = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-bot"), "discord_bot_token": SecretStr("discord-bot")})
    ids: list[int] = []
    yield s, ids
    with session_scope(s) as session:  # a shared test Postgres keeps rows between tests
        for alert in session.exec(select(HypeAlert).where(HypeAlert.watch_id.in_(ids))).all():
            session.delete(alert)
        for watch in session.exec(select(HypeWatch).where(HypeWatch.id.in_(ids))).all():
            session.delete(watch)


def test_a_fired_alert_is_posted_once_by_each_bot(bot_settings) -> None:
    settings, ids = bot_settings
    name = f"Stanley-{uuid.uuid4().hex[:6]}"
    discord = DiscordRecorder()
    try:
        with SlackRecorder() as slack:
            watches = [upsert_watch(settings, owner=DEFAULT_OWNER, subject=name.casefold(), display=name, channel=channel, threshold=70, direction="above", window_days=7, create=True)
                       for channel in ("slack:C1", f"discord:{DISCORD_CHANNEL}")]
            ids.extend(w.id for w in watches)
            scores = iter([80.0, 80.0, 83.0, 83.0])

            def scorer(watch: HypeWatch) -> HypeScoreData:
                if watch.id not in ids:
                    raise ToolError("not_found", "not this test's watch")
                return scored(watch.display, next(scores))

            sender = Sender(settings.model_copy(update={"slack_api_url": slack.url, "discord_api_url": discord.url}), httpx.Client(timeout=5))
            assert evaluate_all(settings, scorer) == 2
            assert deliver_pending(settings, sender, "w1", lease_s=30, retry_base=0.0, max_attempts=3) == 2
            assert evaluate_all(settings, scorer) == 0  # still above: no second crossing
            assert deliver_pending(settings, sender, "w2", lease_s=30, retry_base=0.0, max_attempts=3) == 0

            posted = slack.of("chat.postMessage")
            assert len(posted) == 1 and posted[0]["channel"] == "C1" and posted[0]["_auth"] == "Bearer xoxb-bot"
            assert name in posted[0]["text"] and "threshold of 70" in posted[0]["text"]
            assert any("Why it fired" in b.get("text", {}).get("text", "") for b in posted[0]["blocks"])  # Block Kit, as the bot
            assert len(discord.posts) == 1
            assert discord.posts[0]["embeds"][0]["fields"][0]["name"] == "Why it fired"
            assert discord.posts[0]["_path"] == f"/api/v10/channels/{DISCORD_CHANNEL}/messages" and discord.posts[0]["_auth"] == "Bot discord-bot"
    finally:
        discord.close()


def test_alert_renderings_carry_range_drivers_samples_chart_and_details() -> None:
    why = "🔥 Stanley hype is 83/100 (90% range 76–88), +21 since the last check (62) — above your threshold of 70 (7-day window …, 412 posts). Drivers: velocity …."
    card = AlertCard(title="🔥 Hype alert: " + "Stanley" * 40 + " at 83/100 (range 76–88)", text=why, subject="Stanley", score=83.2, low=76, high=88, posts=412,
                     drivers=["velocity 58.86 vs usual 12.00 posts/day (+9.1 σ)"], samples=[SamplePost(text="love the new <colour>", author="ann", label="positive"),
                                                                                         SamplePost(text="queue round the block", author="", label="neutral")],
                     chart="▁▂▃█  posts/day 2015-02-11 → 2015-02-24", window="7 days 2015-02-17 → 2015-02-24 (⚠️ the latest post is 650 days old)",
                     details="what's the hype on Stanley over the last 7 days?", window_days=7)
    blocks = alert_blocks(card)
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
    assert "*Why it fired:*" in blocks[1]["text"]["text"] and "threshold of 70" in blocks[1]["text"]["text"] and "since the last check" in blocks[1]["text"]["text"]
    assert blocks[2]["fields"][0]["text"] == "*Posts*\n412" and "days old" in blocks[2]["fields"][1]["text"]
    assert "&lt;colour&gt;" in blocks[3]["text"]["text"] and "anonymous" in blocks[3]["text"]["text"]  # two sample posts, escaped
    assert "▁▂▃█" in blocks[4]["elements"][0]["text"]
    button = blocks[5]["elements"][0]
    assert button["action_id"] == "caeser_followup_details" and button["value"] == card.details  # answered in the thread by the follow-up action
    embed = alert_embed(card, "k" * 32).to_dict()
    assert embed["fields"][0] == {"name": "Why it fired", "value": why, "inline": False} and embed["fields"][1]["value"] == "83/100 (range 76–88)"
    assert [f["name"] for f in embed["fields"]] == ["Why it fired", "Score", "Posts", "Window", "Sample posts", "Posts per day"]
    assert embed["footer"]["text"].endswith("alert " + "k" * 32)
    assert parse_details(details_button(card)["components"][0]["custom_id"]) == ("Stanley", 7) and parse_details("caeser_export_csv") is None


def test_sparkline_and_a_card_without_snapshot() -> None:
    assert sparkline([0, 5, 10]) == "▁▅█" and sparkline([0, 0]) == "▁▁"
    alert = HypeAlert(watch_id=1, crossing=1, alert_key="k", subject="Stanley", channel="slack:C1", score=80, text="older alert")
    card = card_from(alert, None)
    assert card.text == "older alert" and card.samples == [] and "Stanley" in card.details


def test_discord_resend_finds_its_earlier_post(bot_settings) -> None:
    """After a crash between Discord accepting and the row being marked, and after Discord forgot
    the nonce, the re-send finds the alert's key in the channel's recent embeds and posts nothing."""
    settings, _ = bot_settings
    discord = DiscordRecorder()
    try:
        sender = Sender(settings.model_copy(update={"discord_api_url": discord.url}), httpx.Client(timeout=5))
        alert = HypeAlert(watch_id=1, crossing=1, alert_key=uuid.uuid4().hex, subject="Stanley", channel=f"discord:{DISCORD_CHANNEL}", score=80, text="alert", attempts=1)
        assert sender.send(alert).status == "delivered"
        discord.by_nonce.clear()  # Discord keeps nonces for minutes only
        alert.attempts = 2
        assert sender.send(alert).status == "delivered"
        assert len(discord.posts) == 1
        other = alert.model_copy(update={"alert_key": uuid.uuid4().hex})
        assert sender.send(other).status == "delivered" and len(discord.posts) == 2  # a different alert is still posted
    finally:
        discord.close()
