"""Per-workspace permissions: who may create watches/exports, which channels may get alerts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bots.permissions import ENV, Permissions, PermissionsError

CONFIG = {"slack:T1": {"watch": ["U1"], "export": ["*"], "alert_channels": ["C1", "#launches"]},
          "discord:42": {"watch": ["role:Marketing", "admin"], "export": ["role:900"]},
          "*": {"watch": []}}


def test_no_configuration_allows_everything() -> None:
    perms = Permissions.from_env({})
    assert perms.may("slack:T9", "watch", "U5") and perms.may("discord:1", "export", "7") and perms.channel_allowed("slack:T9", "C9")


def test_inline_json_and_file_give_the_same_rules(tmp_path: Path) -> None:
    path = tmp_path / "perms.json"
    path.write_text(json.dumps(CONFIG))
    for perms in (Permissions.from_env({ENV: json.dumps(CONFIG)}), Permissions.from_env({ENV: str(path)})):
        assert perms.may("slack:T1", "watch", "U1") and not perms.may("slack:T1", "watch", "U2")
        assert perms.may("slack:T1", "export", "U2")  # "*"
        assert perms.may("discord:42", "watch", "5", roles=["Marketing"]) and perms.may("discord:42", "watch", "5", is_admin=True)
        assert not perms.may("discord:42", "watch", "5", roles=["Sales"])
        assert perms.may("discord:42", "export", "5", roles=["900", "Sales"])
        assert not perms.may("slack:T7", "watch", "U1")  # falls back to "*": nobody
        assert perms.may("slack:T7", "export", "U1")  # "*" entry has no export list: everyone
        assert perms.channel_allowed("slack:T1", "C1") and perms.channel_allowed("slack:T1", "launches") and not perms.channel_allowed("slack:T1", "C2")


@pytest.mark.parametrize("raw", ["{not json", "/no/such/file.json", '{"slack:T1": {"watch": "U1"}}'])
def test_a_broken_configuration_is_reported_at_start(raw: str) -> None:
    with pytest.raises(PermissionsError, match=ENV):
        Permissions.from_env({ENV: raw})


def test_refusals_are_polite_and_actionable() -> None:
    assert Permissions.refusal("watch").startswith("Sorry") and ENV in Permissions.refusal("export")
    assert "allow-list" in Permissions.channel_refusal("#random")
