"""Posting one alert or report digest (`Message`) to Slack, Discord or a webhook over httpx, with the receiver's own idempotency.

Every alert carries `alert_key`, sent so that a re-send after an unknown outcome is recognised:
- Slack `chat.postMessage` with `metadata` {event_type: caeser_alert, event_payload: {alert_id}};
  before a re-send (attempt > 1) `conversations.history` is searched for that metadata, and a
  found message counts as delivered. (Use a channel id, e.g. `slack:C0123`: history needs one.)
- Discord `POST /channels/{id}/messages` with `nonce` (the key's first 25 characters) and
  `enforce_nonce: true`: Discord returns the earlier message instead of posting twice (for a few
  minutes); before a re-send the channel's last 50 messages are searched for the key, which the
  embed footer carries, and a found message counts as delivered.
- Webhooks: JSON body (`text`, `alert_id`, `subject`, `score`, and `card`: what the chat alerts
  show), `Idempotency-Key` header = `alert_id`. A re-send after a crash or a timeout carries the
  same key; a receiver must keep the keys it has accepted (a day is plenty) and answer 2xx without
  acting again on a key it has seen — docs/hype.md says so to receiver authors. With
  CAESER_WEBHOOK_SECRET set, `X-Caeser-Timestamp` and `X-Caeser-Signature` (HMAC-SHA256, `sign`) let
  the receiver check the body came from us. Webhooks go only to destinations `tools.webhooks` allows
  (checked again here, connecting to the checked address); the receiver's body is never kept,
  since it would reach users through `list_watches`.
Outcomes: 2xx → delivered; 429 → retry after `Retry-After`; 5xx, 408, connection errors and an
unresolvable webhook host → retry with exponential backoff; a redirect (never followed), other 4xx
and a refused webhook → failed with the reason. Base URLs: `SLACK_API_URL`
(default https://slack.com/api), `DISCORD_API_URL` (default https://discord.com/api/v10).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Literal

import httpx
from pydantic import BaseModel

from bots.alert_card import alert_card
from bots.discord.embeds import alert_embed, details_button, footer_key
from bots.slack.blocks import alert_blocks, escape
from engines.hype.watch import parse_channel
from memory.settings import Settings
from memory.tables import HypeAlert
from tools.webhooks import Resolver, WebhookRefused, WebhookUnresolved, check_destination, pinned_url

SLACK_DEFAULT = "https://slack.com/api"
EVENT_TYPE = "caeser_alert"


class Outcome(BaseModel):
    status: Literal["delivered", "retry", "failed"]
    error: str | None = None
    retry_after: float | None = None  # seconds the receiver asked us to wait


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _classify(response: httpx.Response, where: str, what: str, *, show_body: bool = True) -> Outcome:
    if response.status_code == 429:
        return Outcome(status="retry", error=f"{where} rate-limited us (429)", retry_after=_retry_after(response))
    if response.status_code >= 500 or response.status_code == 408:
        return Outcome(status="retry", error=f"{where} answered {response.status_code}")
    if response.status_code >= 400:
        reason = f" {response.text[:200]}" if show_body else ""
        return Outcome(status="failed", error=f"{where} refused the {what}: HTTP {response.status_code}{reason}")
    if response.status_code >= 300:
        return Outcome(status="failed", error=f"{where} answered a redirect (HTTP {response.status_code}); redirects are not followed")
    return Outcome(status="delivered")


class Message(BaseModel):
    """One post, whatever it carries (an alert, a report digest), in each receiver's shape. `key` is
    the idempotency key: Slack metadata, the Discord nonce and embed footer (`mark`), the webhook's
    Idempotency-Key header; `attempt` > 1 makes the sender look for an earlier copy first."""

    key: str
    attempt: int
    text: str
    event_type: str = EVENT_TYPE
    what: str = "alert"  # in errors: "Slack refused the alert: …"
    slack_blocks: list[dict]
    discord: dict  # content, embeds, components (the footer of the first embed carries `mark`)
    mark: str
    webhook: dict


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`X-Caeser-Signature`: sha256= HMAC-SHA256 over "{timestamp}.{body}" (docs/schedules.md shows how to verify it)."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Sender:
    """Sends alerts and digests with one shared httpx client (connection reuse; timeouts on every call)."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None, resolve: Resolver | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=10.0)
        self.resolve = resolve  # webhook hosts' DNS; None = the system resolver
        self.slack_url = (settings.slack_api_url or SLACK_DEFAULT).rstrip("/")
        self.discord_url = settings.discord_api_url.rstrip("/")

    def send(self, alert: HypeAlert) -> Outcome:
        card = alert_card(self.settings, alert)
        message = Message(key=alert.alert_key, attempt=alert.attempts, text=alert.text, slack_blocks=alert_blocks(card), mark=footer_key(alert.alert_key),
                          discord={"content": card.title[:2000], "embeds": [alert_embed(card, alert.alert_key).to_dict()], "components": [details_button(card)]},
                          webhook={"text": alert.text, "alert_id": alert.alert_key, "subject": alert.subject, "score": alert.score, "card": card.model_dump(mode="json")})
        return self.post(alert.channel, message)

    def post(self, channel_text: str, message: Message) -> Outcome:
        """Post `message` to a 'slack:…', 'discord:…' or 'webhook:…' channel."""
        channel = parse_channel(channel_text)
        try:
            if channel.kind == "slack":
                return self._slack(message, channel.target)
            if channel.kind == "discord":
                return self._discord(message, channel.target)
            return self._webhook(message, channel.target)
        except httpx.TransportError as exc:
            return Outcome(status="retry", error=f"could not reach {channel.kind} ({type(exc).__name__}: {exc})")

    def _slack(self, message: Message, channel: str) -> Outcome:
        token = self.settings.slack_bot_token
        if token is None:
            return Outcome(status="failed", error="SLACK_BOT_TOKEN is not set")
        headers = {"Authorization": f"Bearer {token.get_secret_value()}"}
        metadata = {"event_type": message.event_type, "event_payload": {"alert_id": message.key}}
        if message.attempt > 1 and self._slack_already_posted(metadata, channel, headers):
            return Outcome(status="delivered")
        body = {"channel": channel, "text": escape(message.text), "blocks": message.slack_blocks, "metadata": metadata}
        response = self.client.post(f"{self.slack_url}/chat.postMessage", json=body, headers=headers)
        outcome = _classify(response, "Slack", message.what)
        if outcome.status == "delivered" and not response.json().get("ok", False):
            error = response.json().get("error", "unknown_error")
            return Outcome(status="retry" if error in ("ratelimited", "internal_error", "fatal_error") else "failed", error=f"Slack refused the {message.what}: {error}")
        return outcome

    def _slack_already_posted(self, metadata: dict, channel: str, headers: dict[str, str]) -> bool:
        response = self.client.get(f"{self.slack_url}/conversations.history", params={"channel": channel, "include_all_metadata": "true", "limit": 100}, headers=headers)
        if response.status_code != 200 or not response.json().get("ok", False):
            return False
        return any((m.get("metadata") or {}) == metadata for m in response.json().get("messages", []))

    def _discord(self, message: Message, channel_id: str) -> Outcome:
        token = self.settings.discord_bot_token
        if token is None:
            return Outcome(status="failed", error="DISCORD_BOT_TOKEN is not set")
        headers = {"Authorization": f"Bot {token.get_secret_value()}"}
        if message.attempt > 1 and self._discord_already_posted(message.mark, channel_id, headers):
            return Outcome(status="delivered")
        body = {**message.discord, "nonce": message.key[:25], "enforce_nonce": True}
        response = self.client.post(f"{self.discord_url}/channels/{channel_id}/messages", json=body, headers=headers)
        return _classify(response, "Discord", message.what)

    def _discord_already_posted(self, mark: str, channel_id: str, headers: dict[str, str]) -> bool:
        """Whether one of the channel's last 50 messages is this one (its key in an embed footer):
        Discord honours `enforce_nonce` only for a few minutes, a back-off can outlast that."""
        response = self.client.get(f"{self.discord_url}/channels/{channel_id}/messages", params={"limit": 50}, headers=headers)
        messages = response.json() if response.status_code == 200 else []
        return isinstance(messages, list) and any(mark in ((embed.get("footer") or {}).get("text") or "") for m in messages if isinstance(m, dict) for embed in m.get("embeds") or [])

    def _webhook(self, message: Message, target: str) -> Outcome:
        try:
            destination = check_destination(target, self.settings, self.resolve)
        except WebhookUnresolved as exc:
            return Outcome(status="retry", error=f"webhook: {exc}")
        except WebhookRefused as exc:
            return Outcome(status="failed", error=f"webhook refused: {exc}")
        url, headers, extensions = pinned_url(destination)
        body = json.dumps(message.webhook, ensure_ascii=False).encode()
        headers = {**headers, "Content-Type": "application/json", "Idempotency-Key": message.key}
        if self.settings.webhook_secret is not None:
            timestamp = str(int(time.time()))
            headers |= {"X-Caeser-Timestamp": timestamp, "X-Caeser-Signature": sign(self.settings.webhook_secret.get_secret_value(), timestamp, body)}
        response = self.client.post(url, content=body, headers=headers, extensions=extensions, follow_redirects=False)
        return _classify(response, f"webhook {destination.label}", message.what, show_body=False)
