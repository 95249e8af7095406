"""`caeser serve api`: registered under serve, and refuses to start without usable keys."""
from __future__ import annotations

import argparse

import pytest
from pydantic import SecretStr

from bots.api import server
from bots.cli import main
from memory.settings import Settings


def test_serve_api_is_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "api", "--help"])
    assert "--port" in capsys.readouterr().out


@pytest.mark.parametrize(("keys", "message"), [(None, "no API keys"), ("short", "at least 16 characters"), ("k" * 20 + "=nobody", "KIND:ID")])
def test_refuses_without_usable_keys(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], keys: str | None, message: str) -> None:
    monkeypatch.setattr(server, "get_settings", lambda: settings.model_copy(update={"api_keys": SecretStr(keys) if keys else None}))
    assert server.run(argparse.Namespace(host="127.0.0.1", port=0)) == 2
    assert message in capsys.readouterr().err
