"""The Slack app (slack-bolt): slash command, mentions, DMs, buttons; HTTP or Socket Mode."""
