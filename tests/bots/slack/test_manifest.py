"""The shipped Slack manifest asks for what the app uses: the command, the events, the scopes."""
from __future__ import annotations

from pathlib import Path

import yaml

import bots.slack

MANIFEST = Path(bots.slack.__file__).with_name("manifest.yml")


def test_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/caeser"]
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im", "app_home_opened"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "app_mentions:read", "chat:write", "files:write", "im:history", "channels:history"} <= scopes
    urls = {manifest["settings"]["event_subscriptions"]["request_url"], manifest["settings"]["interactivity"]["request_url"],
            manifest["features"]["slash_commands"][0]["url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
